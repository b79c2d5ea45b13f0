#include "daemon/line_driver.h"

#include <utility>

#include "resolve/cache_policy.h"
#include "resolve/resolution.h"
#include "resolve/system_draw.h"
#include "sip/random_token.h"
#include "sip/target.h"

namespace sipsentry::daemon {

// The engine's cut and the resolver's cap are one contract.
static_assert(engine::kMaxTargetsPerEntry == resolve::kMaxTargetsPerServer);

LineDriver::LineDriver(sip::SipAgent& agent, config::LineConfig line, EventObserver& observer)
    : agent_(agent),
      line_(std::move(line)),
      observer_(observer),
      engine_(line_.settings, resolve::system_fraction) {}

LineDriver::~LineDriver() {
  for (resolve::TargetDirectory::WatchId watch : watches_) agent_.directory().unwatch(watch);
  for (const auto& [id, timer] : timers_) agent_.cancel_timer(timer);
  for (const auto& [id, request] : requests_) agent_.abandon(request);
  end_call();
  // A line removed or restarted by a reload: what the agent still keeps under
  // its Call-IDs (a challenge never answered) goes with it.
  for (const auto& [dialog, identity] : dialogs_) agent_.end_call(identity.call_id);
}

void LineDriver::start() {
  start_wanted_ = true;
  watch_record_sets();
  if (awaiting_records_ == 0) apply(engine_.start(agent_.now()));
}

void LineDriver::stop() {
  // A line still waiting for its records has sent nothing: nothing to end.
  if (awaiting_records_ > 0) {
    start_wanted_ = false;
    return;
  }
  apply(engine_.stop(agent_.now()));
}

/// Every server given by name without a port is watched: the directory
/// shares one record set among all lines naming it, and tells each line
/// again only when the records change.
void LineDriver::watch_record_sets() {
  if (!watches_.empty()) return;
  has_records_.assign(line_.server_names.size(), false);
  for (size_t server = 0; server < line_.server_names.size(); ++server) {
    if (!resolve::uses_service_records(line_.server_names[server])) continue;
    ++awaiting_records_;
    watches_.push_back(agent_.directory().watch(
        line_.server_names[server],
        [this, server](const resolve::Resolution& records) { on_record_set(server, records); }));
  }
}

/// The line draws its own order of the set (RFC 2782's weights spread lines
/// as they spread phones) and hands it to the engine, which applies a
/// changed set at the next walk, failback probe or refresh. A first lookup
/// that failed gives the host itself on its default port: its sends then
/// say `dns`, as a phone's would.
void LineDriver::on_record_set(size_t server, const resolve::Resolution& records) {
  std::vector<engine::Target> targets;
  for (const resolve::ServiceTarget& target :
       resolve::targets_of(line_.server_names[server], records, resolve::system_draw()))
    targets.push_back({target.host, target.port, target.transport});
  // How long the records are kept before the next lookup: failback.mode
  // dns_ttl's timer. None without SRV records (the host's own addresses).
  std::optional<engine::Millis> ttl;
  if (!records.failed && resolve::smallest_ttl(records)) ttl = records.lifetime;
  set_targets(server, std::move(targets), ttl);
  if (has_records_[server]) return;
  has_records_[server] = true;
  if (--awaiting_records_ == 0 && start_wanted_) apply(engine_.start(agent_.now()));
}

void LineDriver::place_test_call() {
  apply(engine_.place_test_call(agent_.now()));
}

void LineDriver::set_targets(size_t server, std::vector<engine::Target> targets,
                             std::optional<engine::Millis> ttl) {
  apply(engine_.set_targets(agent_.now(), server, std::move(targets), ttl));
}

void LineDriver::apply(engine::Actions actions) {
  for (const engine::Action& action : actions) apply_one(action);
}

void LineDriver::apply_one(const engine::Action& action) {
  if (auto* request = std::get_if<engine::SendRequest>(&action)) {
    send(*request);
  } else if (auto* abandoned = std::get_if<engine::AbandonRequest>(&action)) {
    abandon(abandoned->id);
  } else if (auto* start = std::get_if<engine::StartTimer>(&action)) {
    start_timer(*start);
  } else if (auto* cancel = std::get_if<engine::CancelTimer>(&action)) {
    cancel_timer(cancel->id);
  } else if (auto* event = std::get_if<engine::Event>(&action)) {
    if (std::holds_alternative<engine::TestCallFinished>(event->what)) end_call();
    observer_.on_event(line_.settings, *event);
  } else if (auto* ended = std::get_if<engine::EndDialog>(&action)) {
    end_dialog(ended->dialog);
  }
}

/// A dialog the engine is done with (a failback probe's, the registration
/// a failback replaced): its Call-ID and tag go, and the agent drops what
/// it kept under that Call-ID.
void LineDriver::end_dialog(engine::DialogId dialog) {
  if (call_dialog_ == dialog) return end_call();
  auto found = dialogs_.find(dialog);
  if (found == dialogs_.end()) return;
  agent_.end_call(found->second.call_id);
  dialogs_.erase(found);
}

bool LineDriver::call_method(engine::Method method) {
  return method == engine::Method::kInvite || method == engine::Method::kAck ||
         method == engine::Method::kBye || method == engine::Method::kCancel;
}

/// The engine's call is over: the agent lets go of its dialog and RTP port,
/// and the call's Call-ID is never used again.
void LineDriver::end_call() {
  if (!call_dialog_) return;
  auto found = dialogs_.find(*call_dialog_);
  if (found != dialogs_.end()) {
    agent_.end_call(found->second.call_id);
    dialogs_.erase(found);
  }
  call_dialog_.reset();
}

LineDriver::Identity LineDriver::identity_of(engine::DialogId dialog) {
  if (dialog == engine::kOneOff) return {};  // the adapter makes a fresh one
  auto [found, inserted] = dialogs_.try_emplace(dialog);
  if (inserted) found->second = {sip::random_token() + "@sipsentry", sip::random_token()};
  return found->second;
}

sip::OutgoingRequest LineDriver::wire_request(const engine::SendRequest& request) {
  const engine::LineSettings& line = line_.settings;
  Identity identity = identity_of(request.dialog);
  sip::OutgoingRequest wire{
      .method = request.method,
      .target = sip::target_of(line.servers.at(request.server), request.target),
      .user = line.user,
      .domain = line.domain,
      .call_id = identity.call_id,
      .callee =
          call_method(request.method) && line.test_call ? line.test_call->target : std::string(),
      .from_tag = identity.from_tag,
      .cseq = request.cseq,
      .expires = request.expires,
      .timers = line.timers,
      .budget = request.budget,
      .sends = request.sends,
      .tls = {line_.tls.verify, line_.tls.ca_file},
      .authorize = request.authorize};
  if (!line_.password.empty())
    wire.credentials = sip::Credentials{line_.auth_user, line_.password.reveal()};
  return wire;
}

void LineDriver::send(const engine::SendRequest& request) {
  if (request.method == engine::Method::kInvite) call_dialog_ = request.dialog;
  // ACK for a 2xx has no transaction and no report: nothing to wait for.
  if (request.method == engine::Method::kAck) {
    agent_.send(wire_request(request), nullptr);
    return;
  }
  engine::RequestId id = request.id;
  requests_[id] = agent_.send(wire_request(request), [this, id](const sip::RequestReport& report) {
    on_report(id, report);
  });
}

void LineDriver::on_report(engine::RequestId id, const sip::RequestReport& report) {
  using Kind = sip::RequestReport::Kind;
  if (report.finished()) requests_.erase(id);
  switch (report.kind) {
    case Kind::kConnected:
      apply(engine_.on_connected(agent_.now(), id));
      return;
    case Kind::kProvisional:
    case Kind::kFinal:
      apply(engine_.on_outcome(agent_.now(), id, report.outcome));
      return;
    case Kind::kGaveUp:
      return;  // the engine's own budget timer decides, as for no answer
  }
}

void LineDriver::abandon(engine::RequestId id) {
  auto found = requests_.find(id);
  if (found == requests_.end()) return;
  agent_.abandon(found->second);
  requests_.erase(found);
}

void LineDriver::start_timer(const engine::StartTimer& start) {
  cancel_timer(start.id);
  engine::TimerId id = start.id;
  timers_[id] = agent_.start_timer(start.delay, [this, id] {
    timers_.erase(id);
    apply(engine_.on_timer(agent_.now(), id));
  });
}

void LineDriver::cancel_timer(engine::TimerId id) {
  auto found = timers_.find(id);
  if (found == timers_.end()) return;
  agent_.cancel_timer(found->second);
  timers_.erase(found);
}

}  // namespace sipsentry::daemon
