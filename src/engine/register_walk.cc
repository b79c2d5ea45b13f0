// Register failover (spec.md §4): walk the servers in order from the primary,
// give each its budget, and stay on the first that grants the registration.
#include <algorithm>

#include "engine/line_engine.h"
#include "engine/register_retry.h"

namespace sipsentry::engine {

void LineEngine::begin_walk(Method trigger, std::vector<SlotId> tried, std::optional<Reason> reason,
                            Millis detection) {
  leave_registration();
  cancel_timer(TimerKind::kRegisterRetry);
  abandon(Purpose::kWalk);
  // A changed SRV record set takes effect here, before the walk's first step.
  apply_targets();
  Walk walk{
      .trigger = trigger, .first_reason = reason, .detection = detection, .last_reason = reason};
  // The servers that just failed count as tried: a walk visits each server once.
  for (SlotId server : slots_.order())
    if (std::ranges::find(tried, server) == tried.end()) walk.order.push_back(server);
  walk_ = std::move(walk);
  set_state(LineState::kRegistering, reason);
  walk_next();
}

void LineEngine::walk_next() {
  if (walk_->next >= walk_->order.size()) {
    failover_failure();
    return;
  }
  SlotId server = walk_->order[walk_->next++];
  send(Purpose::kWalk, Method::kRegister, server, registration_dialog(server), list_budget(server),
       settings_.servers[entry_of(server)].expires);
}

void LineEngine::on_walk_outcome(const Pending& request, const Verdict& verdict,
                                 const Outcome& outcome) {
  if (!walk_) return;
  switch (verdict.kind) {
    case Verdict::Kind::kSuccess: {
      Walk walk = *walk_;
      walk_.reset();
      SlotId from = last_.value_or(slots_.primary());
      registered_on(request.server, request.dialog, outcome, false);
      if (request.server != from)
        emit(Failover{entry_of(from), entry_of(request.server), walk.trigger,
                      walk.first_reason.value_or(Reason{}), walk.detection, target_of(from),
                      target_of(request.server)});
      resume_call_after_walk(true);
      return;
    }
    case Verdict::Kind::kUnavailable:
      if (!walk_->first_reason) {
        walk_->first_reason = verdict.reason;
        walk_->detection = now_ - request.first_sent;
      }
      walk_->last_reason = verdict.reason;
      walk_next();
      return;
    case Verdict::Kind::kFailed:
    case Verdict::Kind::kChallenge:
      // The server answered: it is up, so this is no reason to fail over.
      walk_.reset();
      registration_refused(verdict.reason);
      resume_call_after_walk(false);
      return;
  }
}

void LineEngine::failover_failure() {
  Reason reason = walk_->last_reason.value_or(Reason{});
  walk_.reset();
  start_over();
  set_state(LineState::kUnregistered, reason);
  Millis wait = next_register_retry();
  emit(RegisterFailure{reason, wait});
  start_timer(TimerKind::kRegisterRetry, wait);
  resume_call_after_walk(false);
}

void LineEngine::registration_refused(const Reason& reason) {
  leave_registration();
  start_over();
  set_state(
      reason.kind == Reason::Kind::kAuthFailed ? LineState::kAuthFailed : LineState::kRejected,
      reason);
  start_timer(TimerKind::kRegisterRetry, next_register_retry());
}

Millis LineEngine::next_register_retry() {
  ++failures_;
  return register_retry_wait(register_retry_bounds(settings_, failures_), draw_ ? draw_() : 1.0);
}

void LineEngine::registered_on(SlotId server, DialogId dialog, const Outcome& outcome,
                               bool refresh) {
  const Server& entry = settings_.servers[entry_of(server)];
  failures_ = 0;
  Millis granted = outcome.expires && *outcome.expires > 0ms ? *outcome.expires : entry.expires;
  bool moved = current_ != server;
  current_ = server;
  last_ = server;
  slots_.place(server).dialog = dialog;
  set_state(LineState::kRegistered);
  emit(Registered{entry_of(server), granted, refresh, target_of(server), on_primary()});
  auto refresh_after = std::chrono::duration_cast<Millis>(granted * settings_.refresh_ratio);
  start_timer(TimerKind::kRefresh, refresh_after - failback_probe_lead(server, refresh_after));
  if (!moved) return;
  if (settings_.keepalive_interval > 0ms)
    start_timer(TimerKind::kKeepalive, settings_.keepalive_interval);
  // On any place but the primary's first target the line is on a backup.
  if (server != slots_.primary())
    start_failback_timer();
  else
    cancel_timer(TimerKind::kFailback);
}

void LineEngine::start_over() {
  // The line holds no registration and its next walk starts from the primary
  // as at start-up: only a walk that finds a server unavailable on the way is
  // a failover, and it carries that server's reason.
  last_.reset();
}

void LineEngine::leave_registration() {
  if (!current_) return;
  current_.reset();
  cancel_timer(TimerKind::kRefresh);
  cancel_timer(TimerKind::kKeepalive);
  cancel_timer(TimerKind::kFailback);
  abandon(Purpose::kRefresh);
  abandon(Purpose::kKeepalive);
  abandon(Purpose::kFailbackProbe);
}

}  // namespace sipsentry::engine
