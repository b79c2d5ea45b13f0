#include "daemon/line_driver.h"

#include <memory>
#include <utility>

#include "sip/random_token.h"
#include "sip/target.h"

namespace sipsentry::daemon {
namespace {

// The adapter's own give-up comes after the engine's, which abandons first:
// the budget is the engine's decision (spec.md §3).
constexpr engine::Millis kAdapterMargin{1000};

}  // namespace

LineDriver::LineDriver(sip::SipAgent& agent, config::LineConfig line, EventObserver& observer)
    : agent_(agent), line_(std::move(line)), observer_(observer), engine_(line_.settings) {}

LineDriver::~LineDriver() {
  for (const auto& [id, timer] : timers_) agent_.cancel_timer(timer);
  for (const auto& [id, request] : requests_) agent_.abandon(request);
}

void LineDriver::start() {
  apply(engine_.start(agent_.now()));
}

void LineDriver::stop() {
  apply(engine_.stop(agent_.now()));
}

void LineDriver::apply(engine::Actions actions) {
  for (const engine::Action& action : actions) {
    if (auto* request = std::get_if<engine::SendRequest>(&action)) {
      send(*request);
    } else if (auto* abandon = std::get_if<engine::AbandonRequest>(&action)) {
      auto found = requests_.find(abandon->id);
      if (found == requests_.end()) continue;
      agent_.abandon(found->second);
      requests_.erase(found);
    } else if (auto* start = std::get_if<engine::StartTimer>(&action)) {
      start_timer(*start);
    } else if (auto* cancel = std::get_if<engine::CancelTimer>(&action)) {
      cancel_timer(cancel->id);
    } else if (auto* event = std::get_if<engine::Event>(&action)) {
      observer_.on_event(line_.settings, *event);
    }
  }
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
  sip::OutgoingRequest wire{.method = request.method,
                            .target = sip::target_of(line.servers.at(request.server)),
                            .user = line.user,
                            .domain = line.domain,
                            .call_id = identity.call_id,
                            .from_tag = identity.from_tag,
                            .cseq = request.cseq,
                            .expires = request.expires,
                            .budget = request.budget + kAdapterMargin};
  if (!line_.password.empty())
    wire.credentials = sip::Credentials{line_.auth_user, line_.password.reveal()};
  wire.authorize = request.authorize;
  return wire;
}

void LineDriver::send(const engine::SendRequest& request) {
  // ACK (for test calls) has no transaction to wait for; INVITE support in
  // the adapter comes with test calls.
  if (request.method == engine::Method::kAck) return;
  engine::RequestId id = request.id;
  auto finished = std::make_shared<bool>(false);  // the adapter may finish inside send()
  uint64_t handle =
      agent_.send(wire_request(request), [this, id, finished](const sip::RequestResult& result) {
        *finished = true;
        requests_.erase(id);
        if (result.timed_out) return;  // the engine's own budget ran out first
        apply(engine_.on_outcome(agent_.now(), id, result.outcome));
      });
  if (!*finished) requests_[id] = handle;
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
