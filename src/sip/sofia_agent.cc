// The SipAgent on Sofia-SIP's NTA layer. NTA, not NUA: NUA refreshes and
// un-REGISTERs on its own, and here the engine alone decides what goes
// where and when.
#include <chrono>
#include <map>
#include <set>
#include <vector>

#include "resolve/address_cache.h"
#include "resolve/resolver.h"
#include "sip/event_loop.h"
#include "sip/loop_hooks.h"
#include "sip/loop_inbox.h"
#include "sip/name_route.h"
#include "sip/sofia_log.h"
#include "sip/sofia_request.h"
#include "sip/stack_lifetime.h"

namespace sipsentry::sip {
namespace {

// How often a request waiting for its TCP/TLS connection looks at it: NTA
// says nothing when a TLS handshake fails, so the adapter looks itself.
constexpr engine::Millis kConnectionCheck{10};

/// "HOST:PORT" -> "HOST:0": the sending agents take any free port.
std::vector<std::string> any_port(const std::vector<std::string>& binds) {
  std::vector<std::string> any;
  for (const std::string& bind : binds) any.push_back(bind.substr(0, bind.rfind(':')) + ":0");
  return any;
}

bool ipv6(const Target& target) {
  return target.host.starts_with('[');
}

class SofiaAgent final : public SipAgent, public RequestContext {
 public:
  ~SofiaAgent() override { route_sofia_log(nullptr); }
  bool start(const AgentOptions& options, std::string& error);

  RequestId send(const OutgoingRequest& request, Listener listener) override;
  void end_call(const std::string& call_id) override {
    calls_.erase(call_id);
    challenges_.forget(call_id);
  }
  void abandon(RequestId id) override;
  void run_until(const std::function<bool()>& finished) override { loop_->run_until(finished); }
  engine::Millis now() const override { return loop_->now(); }
  TimerId start_timer(engine::Millis delay, std::function<void()> fire) override {
    return loop_->start_timer(delay, std::move(fire));
  }
  void cancel_timer(TimerId id) override { loop_->cancel_timer(id); }
  void post(std::function<void()> work) override { inbox_->post(std::move(work)); }
  uint64_t malformed_messages() const override;
  uint64_t out_of_range_messages() const override { return out_of_range_; }
  uint16_t local_port() const override { return listener_->port(); }
  resolve::TargetDirectory& directory() override { return *directory_; }

  ChallengeStore& challenges() override { return challenges_; }
  /// The listener's address of the server's family: where it can reach us.
  std::string contact_address(const Target& target) const override {
    return listener_->host(ipv6(target)) + ":" + std::to_string(listener_->port(ipv6(target)));
  }
  void report(SofiaRequest& request, const RequestReport& report) override;
  bool wanted(const SofiaRequest& request) const override {
    return requests_.contains(request.id());
  }
  void log(LogSeverity severity, const std::string& text) override {
    if (options_.log) options_.log(severity, text);
  }
  void count_out_of_range() override { ++out_of_range_; }
  CallDialog* call_dialog(const std::string& call_id) override {
    auto found = calls_.find(call_id);
    return found == calls_.end() ? nullptr : &found->second;
  }
  nta_outgoing_t* invite_in_progress(const std::string& call_id) override;

 private:
  struct Entry {
    std::unique_ptr<SofiaRequest> request;
    Listener listener;
    resolve::Resolver::LookupId lookup = 0;  // its target's name being resolved; 0: none
    std::string address{};                   // what the name resolved to
  };

  void resolve_then_start(RequestId id, const OutgoingRequest& request);
  void route_by_answer(RequestId id, const OutgoingRequest& request,
                       const resolve::Answer<resolve::Address>& answer, engine::Millis cost,
                       bool inside_send);
  void start_request(RequestId id, const OutgoingRequest& request);
  StackAgent* stack_for(const OutgoingRequest& request, std::string& error);
  StackAgent* profile_stack(const OutgoingRequest& request, std::string& error);
  bool prepare_invite(RequestId id, const OutgoingRequest& request, StackAgent& stack,
                      std::string& error);
  void send_ack(RequestId id, const OutgoingRequest& request);
  void refuse(RequestId id, const OutgoingRequest& request, const std::string& why);
  void defer(RequestId id, const RequestReport& report);
  void deliver(RequestId id, const RequestReport& report);
  void after_callbacks(std::function<void()> work);
  void watch_connections();

  AgentOptions options_;
  // Declared in the order they are built: destroyed requests first, loop last.
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<SofiaLoopHooks> loop_hooks_;
  std::unique_ptr<LoopInbox> inbox_;                     // work from other threads
  std::unique_ptr<resolve::Resolver> resolver_;          // every name a request goes to
  std::unique_ptr<resolve::TargetDirectory> directory_;  // record sets, on resolver_
  resolve::AddressCache addresses_;                      // the names' A and AAAA answers
  std::unique_ptr<StackAgent> listener_;  // bound to options.bind; its address is the Contact
  std::map<decltype(StackProfile{}.key()), std::unique_ptr<StackAgent>> stacks_;
  ChallengeStore challenges_;
  std::map<RequestId, Entry> requests_;
  std::map<std::string, CallDialog> calls_;  // test calls by Call-ID, until end_call()
  std::set<RequestId> connecting_;
  bool watching_ = false;
  // Work that must wait until Sofia's callbacks have returned: reports made
  // inside nta_outgoing_tcreate(), and abandoned requests (a listener may
  // abandon the very request that is reporting). Run in order.
  std::vector<std::function<void()>> after_callbacks_;
  RequestId next_id_ = 1;
  uint64_t out_of_range_ = 0;  // responses dropped for a status outside 100-699
};

bool SofiaAgent::start(const AgentOptions& options, std::string& error) {
  options_ = options;
  route_sofia_log(options.log);
  loop_ = EventLoop::create(error);
  if (!loop_) return false;
  loop_hooks_ = std::make_unique<SofiaLoopHooks>(*loop_);
  inbox_ = LoopInbox::create(*loop_hooks_, error);
  if (!inbox_) return false;
  resolver_ = resolve::Resolver::create(*loop_hooks_, {.server = options.dns_server}, error);
  if (!resolver_) return false;
  directory_ = resolve::TargetDirectory::create(*resolver_, *loop_hooks_);
  listener_ = StackAgent::create(loop_->root(), options.bind, StackProfile{}, options, error);
  return listener_ != nullptr;
}

/// The agent a request goes out on: a CANCEL on its INVITE's, anything
/// else on the one of its timer profile.
StackAgent* SofiaAgent::stack_for(const OutgoingRequest& request, std::string& error) {
  if (request.method != engine::Method::kCancel) return profile_stack(request, error);
  CallDialog* call = call_dialog(request.call_id);
  if (!call || !call->invite_stack) error = "no INVITE in progress to cancel";
  return call ? call->invite_stack : nullptr;
}

/// The agent for the request's timer profile, made the first time it is needed.
StackAgent* SofiaAgent::profile_stack(const OutgoingRequest& request, std::string& error) {
  StackProfile profile{request.timers, stack_lifetime(request.budget, request.sends)};
  if (request.target.transport == engine::Transport::kTls) profile.tls = request.tls;
  auto found = stacks_.find(profile.key());
  if (found != stacks_.end()) return found->second.get();
  auto stack = StackAgent::create(loop_->root(), any_port(options_.bind), profile, options_, error);
  if (!stack) return nullptr;
  return stacks_.emplace(profile.key(), std::move(stack)).first->second.get();
}

SipAgent::RequestId SofiaAgent::send(const OutgoingRequest& request, Listener listener) {
  RequestId id = next_id_++;
  if (request.method == engine::Method::kAck) {
    send_ack(id, request);
    return id;
  }
  requests_[id] = Entry{nullptr, std::move(listener)};
  if (resolves_first(request))
    resolve_then_start(id, request);
  else
    start_request(id, request);
  return id;
}

/// Resolves the target's name (/etc/hosts, then DNS) within the request's
/// budget, then sends to the address; a name that does not resolve, or a
/// DNS server that does not answer in time, is `dns` (spec.md §2). An
/// answer is kept for its TTL (resolve/address_cache.h): most requests
/// find their address without asking.
void SofiaAgent::resolve_then_start(RequestId id, const OutgoingRequest& request) {
  const std::string& name = request.target.host;
  if (auto cached = addresses_.find(name, now()))
    return route_by_answer(id, request, *cached, engine::Millis(0), true);
  engine::Millis asked = now();
  requests_[id].lookup = resolver_->addresses(
      name, resolution_deadline(request.budget),
      [this, id, request, asked](const resolve::Answer<resolve::Address>& answer) {
        auto found = requests_.find(id);
        if (found == requests_.end()) return;
        found->second.lookup = 0;
        addresses_.store(request.target.host, answer, now());
        route_by_answer(id, request, answer, now() - asked, false);
      });
}

/// Sends to the answer's address, or reports `dns` with what the lookup
/// cost: deferred to the loop when still inside send().
void SofiaAgent::route_by_answer(RequestId id, const OutgoingRequest& request,
                                 const resolve::Answer<resolve::Address>& answer,
                                 engine::Millis cost, bool inside_send) {
  std::optional<std::string> address = route_host(answer.records);
  if (!answer.ok() || !address) {
    std::string why = std::string(to_string(answer.failure.value_or(resolve::Failure::kNoRecords)));
    RequestReport report{.kind = RequestReport::Kind::kFinal,
                         .outcome = engine::Outcome::failure(engine::TransportError::kDns),
                         .phrase = "cannot resolve " + request.target.host + ": " + why,
                         .round_trip = cost};
    return inside_send ? defer(id, report) : deliver(id, report);
  }
  OutgoingRequest routed = request;
  routed.address = requests_[id].address = *address;
  start_request(id, routed);
}

/// Sends the request to its route (an address, or a host NTA resolves).
void SofiaAgent::start_request(RequestId id, const OutgoingRequest& request) {
  Entry& entry = requests_[id];
  std::string error;
  StackAgent* stack = stack_for(request, error);
  if (!stack ||
      (request.method == engine::Method::kInvite && !prepare_invite(id, request, *stack, error))) {
    refuse(id, request, error);
    return;
  }
  entry.request = std::make_unique<SofiaRequest>(*this, *stack, id, request);
  if (!entry.request->start()) {
    refuse(id, request, "Sofia-SIP could not build the request");
    return;
  }
  if (entry.request->awaiting_connection()) {
    connecting_.insert(id);
    watch_connections();
  }
}

/// The call's RTP port and SDP offer, made with its first INVITE and kept
/// for an INVITE sent again through another server; and where this INVITE goes.
bool SofiaAgent::prepare_invite(RequestId id, const OutgoingRequest& request, StackAgent& stack,
                                std::string& error) {
  CallDialog& call = calls_[request.call_id];
  if (!call.rtp) {
    std::string address = listener_->host(ipv6(request.target));
    call.rtp = RtpSocket::open(address, error);
    if (!call.rtp) return false;
    auto session = std::chrono::system_clock::now().time_since_epoch();
    call.offer = sdp_offer(address, call.rtp->port(),
                           std::chrono::duration_cast<std::chrono::seconds>(session).count());
  }
  call.invite = id;
  call.invite_stack = &stack;
  call.invite_server = request.target;
  call.invite_address = request.address;
  return true;
}

/// The ACK for a 2xx goes on the INVITE's agent, where NTA finds the INVITE
/// it acknowledges (and copies its credentials); NTA keeps the ACK for its
/// transaction lifetime. Nothing is reported: an ACK has no response.
void SofiaAgent::send_ack(RequestId id, const OutgoingRequest& request) {
  CallDialog* call = call_dialog(request.call_id);
  std::string why = "no answered call on its Call-ID";
  if (call && call->answered() && call->invite_stack) {
    OutgoingRequest routed = request;  // through the INVITE's server, at its address
    if (request.target == call->invite_server) routed.address = call->invite_address;
    SofiaRequest ack(*this, *call->invite_stack, id, routed);
    if (ack.start()) return;  // NTA keeps the ACK after `ack` lets go of it
    why = "Sofia-SIP could not build it";
  }
  log(LogSeverity::kWarning, "ACK to " + request.target.route_uri() + " not sent: " + why);
}

nta_outgoing_t* SofiaAgent::invite_in_progress(const std::string& call_id) {
  CallDialog* call = call_dialog(call_id);
  auto found = call ? requests_.find(call->invite) : requests_.end();
  if (found == requests_.end() || !found->second.request) return nullptr;
  return found->second.request->transaction();
}

/// The request cannot go out: the local failure is reported from the loop,
/// never from inside send().
void SofiaAgent::refuse(RequestId id, const OutgoingRequest& request, const std::string& why) {
  log(LogSeverity::kWarning, std::string(engine::to_string(request.method)) + " to " +
                                 request.target.route_uri() + " not sent: " + why);
  // Nothing left this host: a local error, at once (spec.md §2). Over TLS
  // the agent's CAs are what failed: the request cannot be verified.
  bool tls = request.target.transport == engine::Transport::kTls;
  RequestReport report{.kind = RequestReport::Kind::kFinal,
                       .outcome = engine::Outcome::failure(tls ? engine::TransportError::kTls
                                                               : engine::TransportError::kLocal),
                       .phrase = why};
  defer(id, report);
}

void SofiaAgent::abandon(RequestId id) {
  connecting_.erase(id);
  auto found = requests_.extract(id);
  if (found.empty()) return;
  if (found.mapped().lookup) resolver_->cancel(found.mapped().lookup);
  // Destroyed once the callbacks on the stack have returned.
  auto retired = std::make_shared<Entry>(std::move(found.mapped()));
  after_callbacks([retired] {});
}

void SofiaAgent::report(SofiaRequest& request, const RequestReport& report) {
  // Sofia may answer inside nta_outgoing_tcreate(): hand it over from the loop.
  if (request.starting()) return defer(request.id(), report);
  deliver(request.id(), report);
}

void SofiaAgent::defer(RequestId id, const RequestReport& report) {
  after_callbacks([this, id, report] { deliver(id, report); });
}

void SofiaAgent::after_callbacks(std::function<void()> work) {
  after_callbacks_.push_back(std::move(work));
  if (after_callbacks_.size() > 1) return;  // a run is scheduled already
  loop_->start_timer(engine::Millis(0), [this] {
    std::vector<std::function<void()>> due;
    due.swap(after_callbacks_);
    for (auto& work : due) work();
  });
}

void SofiaAgent::deliver(RequestId id, const RequestReport& report) {
  auto found = requests_.find(id);
  if (found == requests_.end()) return;  // abandoned meanwhile
  RequestReport told = report;
  told.address = found->second.address;
  if (!report.finished()) {
    Listener listener = found->second.listener;  // it may abandon the request
    if (listener) listener(told);
    return;
  }
  // Finished: the entry leaves the map before the listener runs, and the
  // request (with its transaction) goes when the listener is done.
  Entry finished = std::move(found->second);
  requests_.erase(found);
  connecting_.erase(id);
  if (finished.listener) finished.listener(told);
}

void SofiaAgent::watch_connections() {
  if (watching_ || connecting_.empty()) return;
  watching_ = true;
  loop_->start_timer(kConnectionCheck, [this] {
    watching_ = false;
    for (RequestId id : std::set<RequestId>(connecting_)) {
      auto found = requests_.find(id);
      if (found == requests_.end() || !found->second.request ||
          !found->second.request->awaiting_connection()) {
        connecting_.erase(id);
        continue;
      }
      found->second.request->check_connection();  // may finish and destroy it
    }
    watch_connections();
  });
}

uint64_t SofiaAgent::malformed_messages() const {
  uint64_t total = listener_->bad_messages();
  for (const auto& [key, stack] : stacks_) total += stack->bad_messages();
  return total;
}

}  // namespace

std::unique_ptr<SipAgent> SipAgent::create(const AgentOptions& options, std::string& error) {
  auto agent = std::make_unique<SofiaAgent>();
  if (!agent->start(options, error)) return nullptr;
  return agent;
}

}  // namespace sipsentry::sip
