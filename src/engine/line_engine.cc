#include "engine/line_engine.h"

#include <algorithm>
#include <utility>

namespace sipsentry::engine {

LineEngine::LineEngine(LineSettings settings, FractionDraw draw)
    : settings_(std::move(settings)), draw_(std::move(draw)), slots_(settings_.servers.size()) {}

Actions LineEngine::take() {
  return std::exchange(out_, {});
}

Actions LineEngine::start(Millis now) {
  now_ = now;
  started_ = true;
  if (concurrent())
    start_concurrent();
  else
    begin_walk(Method::kRegister, {}, std::nullopt, 0ms);
  if (settings_.observe_interval > 0ms) on_observe_timer();
  if (settings_.test_call) start_timer(TimerKind::kTestCall, settings_.test_call->interval);
  return take();
}

Actions LineEngine::stop(Millis now) {
  now_ = now;
  for (const auto& [id, request] : pending_) {
    out_.push_back(AbandonRequest{id});
    cancel_timer(TimerKind::kBudget, id);
  }
  pending_.clear();
  for (TimerKind kind :
       {TimerKind::kRefresh, TimerKind::kKeepalive, TimerKind::kFailback, TimerKind::kRegisterRetry,
        TimerKind::kObserve, TimerKind::kTestCall, TimerKind::kCallHold, TimerKind::kRingTimeout})
    cancel_timer(kind);
  if (concurrent())
    stop_concurrent();
  else if (settings_.unregister_on_exit && current_)
    send(Purpose::kUnregister, Method::kRegister, *current_, registration_dialog(*current_),
         list_budget(*current_), 0ms);
  stopped_ = true;
  return take();
}

Actions LineEngine::on_outcome(Millis now, RequestId id, const Outcome& outcome) {
  now_ = now;
  auto found = pending_.find(id);
  if (found == pending_.end() || !outcome.possible()) return take();
  if (outcome.provisional()) {
    if (found->second.method == Method::kInvite) on_call_provisional(id, outcome);
    return take();
  }
  Pending request = found->second;
  pending_.erase(found);
  cancel_timer(TimerKind::kBudget, id);
  finish(id, request, outcome);
  return take();
}

Actions LineEngine::on_connected(Millis now, RequestId id) {
  now_ = now;
  if (auto found = pending_.find(id); found != pending_.end()) found->second.connected = true;
  return take();
}

Actions LineEngine::on_timer(Millis now, TimerId id) {
  now_ = now;
  if (stopped_) return take();
  bool per_entry = id.kind == TimerKind::kRefresh || id.kind == TimerKind::kKeepalive ||
                   id.kind == TimerKind::kRegisterRetry;
  if (concurrent() && per_entry) {
    on_entry_timer(id);
    return take();
  }
  switch (id.kind) {
    case TimerKind::kBudget:
      timed_out(id.key);
      break;
    case TimerKind::kRefresh:
      on_refresh_timer();
      break;
    case TimerKind::kKeepalive:
      on_keepalive_timer();
      break;
    case TimerKind::kFailback:
      on_failback_timer();
      break;
    case TimerKind::kRegisterRetry:
      begin_walk(Method::kRegister, {}, std::nullopt, 0ms);
      break;
    case TimerKind::kObserve:
      on_observe_timer();
      break;
    case TimerKind::kTestCall:
      on_test_call_timer();
      break;
    case TimerKind::kCallHold:
      on_hold_timer();
      break;
    case TimerKind::kRingTimeout:
      on_ring_timeout();
      break;
  }
  return take();
}

Actions LineEngine::place_test_call(Millis now) {
  now_ = now;
  if (settings_.test_call && !call_ && !stopped_) begin_call();
  return take();
}

RequestId LineEngine::send(Purpose purpose, Method method, SlotId server, DialogId dialog,
                           BudgetKind kind, std::optional<Millis> expires, bool authorize) {
  RequestId id = next_request_++;
  if (held_back(purpose, server)) {
    // The server asked for quiet (Retry-After): it is unavailable at once,
    // for the reason it gave, and nothing goes on the wire.
    Pending request{purpose, method, server, dialog, now_, authorize, false, expires};
    dispatch(request, Verdict{Verdict::Kind::kUnavailable, slots_.place(server).quiet_reason},
             Outcome{});
    return id;
  }
  RequestPlan plan = plan_request(settings_, entry_of(server), transport_of(server), method, kind);
  // CANCEL repeats the CSeq number of the INVITE it cancels.
  uint32_t cseq = dialog == kOneOff           ? 1
                  : method == Method::kCancel ? cseqs_[dialog]
                                              : ++cseqs_[dialog];
  out_.push_back(SendRequest{id, purpose, method, entry_of(server), dialog, cseq, plan.budget,
                             plan.sends, expires, authorize, target_of(server)});
  pending_[id] = Pending{purpose, method, server, dialog, now_, authorize, false, expires};
  start_timer(TimerKind::kBudget, plan.budget, id);
  return id;
}

void LineEngine::send_ack(SlotId server, DialogId dialog) {
  // ACK for a 2xx is its own transaction with no response: nothing to track.
  out_.push_back(SendRequest{next_request_++,
                             Purpose::kAck,
                             Method::kAck,
                             entry_of(server),
                             dialog,
                             cseqs_[dialog],
                             0ms,
                             {0ms},
                             std::nullopt,
                             false,
                             target_of(server)});
}

void LineEngine::finish(RequestId, const Pending& request, const Outcome& outcome) {
  Verdict verdict = classify(outcome, settings_.unavailable_codes);
  if (verdict.kind == Verdict::Kind::kChallenge && request.authorized)
    verdict = {Verdict::Kind::kFailed, {Reason::Kind::kAuthFailed, outcome.status}};
  bool available = verdict.kind != Verdict::Kind::kUnavailable;
  std::optional<Reason> reason;
  if (verdict.kind == Verdict::Kind::kUnavailable || verdict.kind == Verdict::Kind::kFailed)
    reason = verdict.reason;
  std::optional<Millis> retry_after;
  if (!available) retry_after = outcome.retry_after;
  emit(RequestFinished{entry_of(request.server), request.method, available,
                       outcome_label(verdict, outcome.status), outcome.status, reason,
                       now_ - request.first_sent, retry_after, target_of(request.server)});
  Place& place = slots_.place(request.server);
  if (retry_after) {
    place.embargo_until = now_ + *retry_after;
    place.quiet_reason = verdict.reason;
  }
  // A server that answers again evidently takes requests: its Retry-After is over.
  if (available) place.embargo_until = 0ms;
  // An OPTIONS only asks whether the server is up: a challenge already says so.
  if (verdict.kind == Verdict::Kind::kChallenge && request.method != Method::kOptions)
    return answer_challenge(request);
  dispatch(request, verdict, outcome);
}

void LineEngine::answer_challenge(const Pending& request) {
  // One digest answer per request: same dialog, next CSeq, a fresh budget.
  RequestId id = send(
      request.purpose, request.method, request.server, request.dialog,
      request.purpose == Purpose::kFailbackProbe ? BudgetKind::kFull : list_budget(request.server),
      request.expires, true);
  // The call's INVITE is now this transaction: its 1xx stops the failover
  // clock, and a ring timeout cancels it.
  if (request.purpose == Purpose::kInvite && call_ && call_->dialog == request.dialog)
    call_->invite = id;
}

void LineEngine::timed_out(RequestId id) {
  auto found = pending_.find(id);
  if (found == pending_.end()) return;
  Pending request = found->second;
  pending_.erase(found);
  out_.push_back(AbandonRequest{id});
  bool connect_pending = transport_of(request.server) != Transport::kUdp && !request.connected;
  Reason reason{connect_pending ? Reason::Kind::kTcpTimeout : Reason::Kind::kTimeout, 0};
  Verdict verdict{Verdict::Kind::kUnavailable, reason};
  emit(RequestFinished{entry_of(request.server), request.method, false, reason.label(), 0, reason,
                       now_ - request.first_sent, std::nullopt, target_of(request.server)});
  dispatch(request, verdict, Outcome{});
}

void LineEngine::dispatch(const Pending& request, const Verdict& verdict, const Outcome& outcome) {
  if (stopped_) return;
  bool registration = request.purpose == Purpose::kWalk || request.purpose == Purpose::kRefresh ||
                      request.purpose == Purpose::kKeepalive;
  if (concurrent() && registration) return on_entry_outcome(request, verdict, outcome);
  switch (request.purpose) {
    case Purpose::kWalk:
      on_walk_outcome(request, verdict, outcome);
      break;
    case Purpose::kRefresh:
      on_refresh_outcome(request, verdict, outcome);
      break;
    case Purpose::kKeepalive:
      on_keepalive_outcome(request, verdict);
      break;
    case Purpose::kFailbackProbe:
      on_failback_outcome(request, verdict, outcome);
      break;
    case Purpose::kAck:
    case Purpose::kObserve:
    case Purpose::kUnregister:
      break;  // reported by RequestFinished; the line does not move
    case Purpose::kInvite:
    case Purpose::kBye:
    case Purpose::kCancel:
      on_call_outcome(request, verdict, outcome);
      break;
  }
}

void LineEngine::abandon(Purpose purpose, std::optional<SlotId> server) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.purpose != purpose || (server && it->second.server != *server)) {
      ++it;
      continue;
    }
    out_.push_back(AbandonRequest{it->first});
    cancel_timer(TimerKind::kBudget, it->first);
    // A failback probe's dialog is its own: nothing else will use it.
    if (purpose == Purpose::kFailbackProbe) end_dialog(it->second.dialog);
    it = pending_.erase(it);
  }
}

void LineEngine::end_dialog(DialogId dialog) {
  if (dialog == kOneOff) return;
  cseqs_.erase(dialog);
  out_.push_back(EndDialog{dialog});
}

void LineEngine::start_timer(TimerKind kind, Millis delay, uint64_t key) {
  out_.push_back(StartTimer{{kind, key}, delay});
}

void LineEngine::cancel_timer(TimerKind kind, uint64_t key) {
  out_.push_back(CancelTimer{{kind, key}});
}

void LineEngine::set_state(LineState state, std::optional<Reason> reason) {
  if (state == state_) return;
  emit(StateChanged{state_, state, reason});
  state_ = state;
}

bool LineEngine::held_back(Purpose purpose, SlotId server) const {
  // The walk may go anywhere; CANCEL and ACK belong to an INVITE transaction
  // already open at the server, and RFC 3261 sends them nowhere else.
  bool exempt =
      purpose == Purpose::kWalk || purpose == Purpose::kCancel || purpose == Purpose::kAck;
  return !exempt && embargoed(server);
}

DialogId LineEngine::registration_dialog(SlotId server) {
  std::optional<DialogId>& dialog = slots_.place(server).dialog;
  if (!dialog) dialog = new_dialog();
  return *dialog;
}

BudgetKind LineEngine::list_budget(SlotId server) const {
  // Every place has a successor to fail over to but the walk's very last
  // (the last target of the last server); a place that left the walk (a
  // test call's BYE through a target no longer listed) has the whole walk.
  return slots_.last(server) ? BudgetKind::kFull : BudgetKind::kNonLast;
}

Transport LineEngine::transport_of(SlotId server) const {
  const std::optional<Target>& target = target_of(server);
  return target ? target->transport : settings_.servers[entry_of(server)].transport;
}

std::optional<size_t> LineEngine::registered_server() const {
  if (!current_) return std::nullopt;
  return entry_of(*current_);
}

std::optional<Target> LineEngine::registered_target() const {
  if (!current_) return std::nullopt;
  return target_of(*current_);
}

bool LineEngine::out_to(Purpose purpose, SlotId server) const {
  return std::ranges::any_of(pending_, [purpose, server](const auto& p) {
    return p.second.purpose == purpose && p.second.server == server;
  });
}

bool LineEngine::register_attempts_out() const {
  return std::ranges::any_of(pending_,
                             [](const auto& p) { return p.second.purpose == Purpose::kWalk; });
}

Millis LineEngine::retry_after_until(size_t index) const {
  return slots_.place(slots_.first_of(index)).embargo_until;
}

}  // namespace sipsentry::engine
