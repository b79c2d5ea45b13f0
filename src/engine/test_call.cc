// INVITE and BYE failover (spec.md §6): a test call goes through the server
// the line is registered with; when that server is unavailable the line
// registers elsewhere first, and the INVITE or BYE then goes through there.
#include <algorithm>

#include "engine/line_engine.h"

namespace sipsentry::engine {

void LineEngine::on_test_call_timer() {
  start_timer(TimerKind::kTestCall, settings_.test_call->interval);
  if (!call_) begin_call();
}

void LineEngine::begin_call() {
  call_ = Call{.dialog = new_dialog(), .started = now_};
  if (!current_) {
    end_call("unavailable");
    return;
  }
  // failback.mode new_requests: the primary first; unavailable, the call
  // goes on through the server the line is registered with.
  send_call_request(Method::kInvite, primary_for_new_request().value_or(*current_));
}

void LineEngine::send_call_request(Method method, SlotId server) {
  bool invite = method == Method::kInvite;
  call_->server = server;
  call_->phase = invite ? Call::Phase::kInviting : Call::Phase::kHangingUp;
  if (invite) call_->invite_server = server;
  RequestId id = send(invite ? Purpose::kInvite : Purpose::kBye, method, server, call_->dialog,
                      list_budget(server));
  // send() may have found the server held back and moved the call on already.
  if (invite && call_ && call_->phase == Call::Phase::kInviting) call_->invite = id;
}

void LineEngine::on_call_provisional(RequestId id, const Outcome& outcome) {
  if (!call_ || call_->invite != id) return;
  if (outcome.status >= 180 && !call_->first_18x) call_->first_18x = now_ - call_->started;
  if (call_->phase != Call::Phase::kInviting) return;
  // The server answered: no failover for this INVITE, only the ring timeout.
  call_->phase = Call::Phase::kRinging;
  cancel_timer(TimerKind::kBudget, id);
  Millis rung = now_ - pending_.at(id).first_sent;
  // A ring timeout already over by the first 1xx cancels at once.
  start_timer(TimerKind::kRingTimeout, std::max(0ms, settings_.test_call->ring_timeout - rung));
}

void LineEngine::on_call_outcome(const Pending& request, const Verdict& verdict,
                                 const Outcome& outcome) {
  if (!call_ || request.dialog != call_->dialog) return;
  bool unavailable = verdict.kind == Verdict::Kind::kUnavailable;
  if (request.method == Method::kCancel) {
    if (unavailable) on_call_server_unavailable(request, verdict.reason);
    return;
  }
  if (request.method == Method::kBye) {
    if (unavailable) return on_call_server_unavailable(request, verdict.reason);
    return end_call("answered");
  }
  if (verdict.kind == Verdict::Kind::kSuccess) {
    call_->phase = Call::Phase::kAnswered;
    call_->answered = now_ - call_->started;
    call_->unavailable.clear();  // the BYE is a new request: every server may take it
    cancel_timer(TimerKind::kRingTimeout);
    send_ack(request.server, request.dialog);
    start_timer(TimerKind::kCallHold, settings_.test_call->duration);
    return;
  }
  if (unavailable && call_->phase == Call::Phase::kInviting)
    return on_call_server_unavailable(request, verdict.reason);
  // After a 1xx the server is up: any final answer, or none, is the result.
  end_call(outcome.status ? std::to_string(outcome.status) : "408");
}

void LineEngine::on_call_server_unavailable(const Pending& request, const Reason& reason) {
  Millis detection = now_ - request.first_sent;
  if (concurrent() && held(request.server))
    lose(entry_of(request.server), request.method, reason, detection);
  if (request.method == Method::kCancel && concurrent()) {
    abandon(Purpose::kInvite);
    return end_call("unavailable");
  }
  if (request.method == Method::kCancel) {
    abandon(Purpose::kInvite);
    end_call("unavailable");
    return begin_walk(request.method, {request.server}, reason, detection);
  }
  call_->phase = Call::Phase::kAwaitingRegistration;
  call_->waiting_method = request.method;
  std::vector<SlotId>& tried = call_->unavailable;
  tried.push_back(request.server);
  auto untried = [&tried](SlotId server) {
    return std::ranges::find(tried, server) == tried.end();
  };
  // Concurrent: the server loses its registration and the call goes on at
  // once through the next one that holds one, without a REGISTER first.
  if (concurrent()) return resume_call_after_walk(current_ && untried(*current_));
  // Every place of the walk (each SRV target) gets the call's request once.
  if (std::ranges::none_of(slots_.order(), untried)) return resume_call_after_walk(false);
  // A failback moved the line meanwhile: it is registered where the call may go.
  if (current_ && untried(*current_)) return resume_call_after_walk(true);
  begin_walk(request.method, tried, reason, detection);
}

void LineEngine::resume_call_after_walk(bool registered) {
  if (!call_ || call_->phase != Call::Phase::kAwaitingRegistration) return;
  if (registered) return send_call_request(call_->waiting_method, *current_);
  // An answered call that cannot be hung up anywhere still was answered.
  end_call(call_->waiting_method == Method::kBye ? "answered" : "unavailable");
}

void LineEngine::on_ring_timeout() {
  if (!call_ || call_->phase != Call::Phase::kRinging) return;
  call_->cancelled = true;
  send(Purpose::kCancel, Method::kCancel, *call_->server, call_->dialog,
       list_budget(*call_->server));
  // The INVITE should now end with 487; give it 64*T1 before giving up.
  start_timer(TimerKind::kBudget, settings_.timers.t1 * 64, call_->invite);
}

void LineEngine::on_hold_timer() {
  if (!call_ || call_->phase != Call::Phase::kAnswered) return;
  // Through the server that carried the INVITE, wherever the line is now.
  send_call_request(Method::kBye, *call_->server);
}

void LineEngine::end_call(std::string result) {
  std::optional<size_t> invite_server;
  if (call_->invite_server) invite_server = entry_of(*call_->invite_server);
  std::optional<size_t> bye_server;
  if (call_->phase == Call::Phase::kHangingUp) bye_server = entry_of(*call_->server);
  emit(TestCallFinished{std::move(result), invite_server, bye_server, call_->first_18x,
                        call_->answered, call_->cancelled});
  cancel_timer(TimerKind::kRingTimeout);
  cancel_timer(TimerKind::kCallHold);
  end_dialog(call_->dialog);
  call_.reset();
}

}  // namespace sipsentry::engine
