// redundancy: concurrent (Yealink's concurrent registration, Cisco's Dual
// Registration): every server entry keeps its own registration, with its
// own Call-ID, refresh, keep-alive and retry. The line's active server is
// the highest-priority entry holding one; test calls go through it, and an
// INVITE or BYE that finds it unavailable moves on to the next entry that
// holds a registration, without a REGISTER first. A switch is a change of
// the active server: Failover when it moves down the list, Failback when a
// higher entry registers again. There are no failback probes: each entry's
// own retries are how the primary comes back.
#include <algorithm>

#include "engine/line_engine.h"
#include "engine/register_retry.h"

namespace sipsentry::engine {

void LineEngine::start_concurrent() {
  holdings_.assign(settings_.servers.size(), Holding{});
  for (size_t entry = 0; entry < holdings_.size(); ++entry)
    holdings_[entry].place = slots_.first_of(entry);
  for (size_t entry = 0; entry < holdings_.size(); ++entry) register_entry(entry, Purpose::kWalk);
}

void LineEngine::stop_concurrent() {
  for (size_t entry = 0; entry < holdings_.size(); ++entry) {
    for (TimerKind kind : {TimerKind::kRefresh, TimerKind::kKeepalive, TimerKind::kRegisterRetry})
      cancel_timer(kind, entry);
    const Holding& holding = holdings_[entry];
    if (settings_.unregister_on_exit && holding.phase == Holding::Phase::kRegistered)
      send(Purpose::kUnregister, Method::kRegister, holding.place,
           registration_dialog(holding.place), list_budget(holding.place), 0ms);
  }
}

void LineEngine::register_entry(size_t entry, Purpose purpose) {
  SlotId place = holdings_[entry].place;
  send(purpose, Method::kRegister, place, registration_dialog(place), list_budget(place),
       settings_.servers[entry].expires);
}

void LineEngine::on_entry_timer(TimerId id) {
  if (id.key >= holdings_.size()) return;
  auto entry = static_cast<size_t>(id.key);
  using Phase = Holding::Phase;
  switch (id.kind) {
    case TimerKind::kRefresh:
      // A changed SRV record set takes effect at a refresh, as in a walk.
      apply_concurrent_targets();
      if (holdings_[entry].phase == Phase::kRegistered) register_entry(entry, Purpose::kRefresh);
      return;
    case TimerKind::kKeepalive: {
      if (holdings_[entry].phase != Phase::kRegistered) return;
      start_timer(TimerKind::kKeepalive, settings_.keepalive_interval, entry);
      SlotId place = holdings_[entry].place;
      if (out_to(Purpose::kKeepalive, place)) return;  // the last one is still out
      send(Purpose::kKeepalive, Method::kOptions, place, kOneOff, BudgetKind::kNonLast);
      return;
    }
    case TimerKind::kRegisterRetry:
      if (holdings_[entry].phase != Phase::kDown) return;
      apply_concurrent_targets();
      if (!current_) set_state(LineState::kRegistering);
      register_entry(entry, Purpose::kWalk);
      return;
    default:
      return;
  }
}

void LineEngine::on_entry_outcome(const Pending& request, const Verdict& verdict,
                                  const Outcome& outcome) {
  size_t entry = entry_of(request.server);
  Holding& holding = holdings_[entry];
  // An answer from a target the entry has left (its record set changed).
  if (holding.place != request.server) return;
  bool registered = holding.phase == Holding::Phase::kRegistered;
  Millis detection = now_ - request.first_sent;
  if (request.purpose == Purpose::kKeepalive) {
    if (registered && verdict.kind == Verdict::Kind::kUnavailable)
      lose(entry, request.method, verdict.reason, detection);
    return;
  }
  if (request.purpose == Purpose::kRefresh && !registered) return;
  if (verdict.kind == Verdict::Kind::kSuccess) return hold(entry, request, outcome);
  lose(entry, request.method, verdict.reason, detection);
}

void LineEngine::hold(size_t entry, const Pending& request, const Outcome& outcome) {
  Holding& holding = holdings_[entry];
  const Server& server = settings_.servers[entry];
  bool renewal = holding.phase == Holding::Phase::kRegistered;
  holding.phase = Holding::Phase::kRegistered;
  holding.failures = 0;
  Millis granted = outcome.expires && *outcome.expires > 0ms ? *outcome.expires : server.expires;
  holding.expires_at = now_ + granted;
  slots_.place(request.server).dialog = request.dialog;
  if (!renewal) emit(ServerRegistration{entry, true, target_of(request.server), std::nullopt});
  start_timer(TimerKind::kRefresh,
              std::chrono::duration_cast<Millis>(granted * settings_.refresh_ratio), entry);
  if (!renewal && settings_.keepalive_interval > 0ms)
    start_timer(TimerKind::kKeepalive, settings_.keepalive_interval, entry);
  // A renewal may be on a new target (its record set changed): the active
  // place follows, and reports itself when it moves.
  bool moved = choose_active(std::nullopt);
  if (renewal && !moved && current_ == request.server)
    emit(Registered{entry, granted, true, target_of(request.server), on_primary()});
}

void LineEngine::lose(size_t entry, Method method, const Reason& reason, Millis detection) {
  Holding& holding = holdings_[entry];
  SlotId place = holding.place;
  if (holding.phase == Holding::Phase::kRegistered)
    emit(ServerRegistration{entry, false, target_of(place), reason});
  holding.phase = Holding::Phase::kDown;
  holding.lost_by = method;
  holding.reason = reason;
  holding.detection = detection;
  cancel_timer(TimerKind::kRefresh, entry);
  cancel_timer(TimerKind::kKeepalive, entry);
  abandon(Purpose::kRefresh, place);
  abandon(Purpose::kKeepalive, place);
  // The next attempt goes to the entry's next SRV target: one target a
  // retry, round the set, as a walk within the entry.
  std::vector<SlotId> places = places_of(entry);
  auto at = std::ranges::find(places, place);
  if (!places.empty())
    holding.place =
        at == places.end() || std::next(at) == places.end() ? places.front() : *std::next(at);
  bool others_hold = std::ranges::any_of(
      holdings_, [](const Holding& h) { return h.phase == Holding::Phase::kRegistered; });
  ++holding.failures;
  Millis wait = register_retry_wait(register_retry_bounds(settings_, holding.failures, others_hold),
                                    draw_ ? draw_() : 1.0);
  // Retry-After from where the retry goes: not before it has passed.
  wait = std::max(wait, slots_.place(holding.place).embargo_until - now_);
  holding.retry_at = now_ + wait;
  start_timer(TimerKind::kRegisterRetry, wait, entry);
  choose_active(entry);
}

bool LineEngine::choose_active(std::optional<size_t> lost) {
  using Phase = Holding::Phase;
  std::optional<size_t> active;
  for (size_t entry = 0; entry < holdings_.size(); ++entry) {
    Phase phase = holdings_[entry].phase;
    if (phase == Phase::kDown) continue;
    // An entry above still waits for its first answer: at start-up the line
    // does not settle on a backup that merely answered first.
    if (phase == Phase::kRegistered) active = entry;
    break;
  }
  std::optional<SlotId> before = current_;
  // Where the line was: its active place, or where it last was before it
  // lost every registration (nullopt: the primary, as after start_over()).
  SlotId from = before.value_or(last_.value_or(slots_.primary()));
  current_.reset();
  if (active) current_ = holdings_[*active].place;
  bool moved = current_ != before;
  concurrent_state(lost);
  if (moved && active) {
    const Holding& now_active = holdings_[*active];
    emit(Registered{*active, now_active.expires_at - now_, false, target_of(*current_),
                    on_primary()});
    size_t from_entry = entry_of(from);
    const Holding& was = holdings_[from_entry];
    if (*active > from_entry)
      emit(Failover{from_entry, *active, was.lost_by, was.reason, was.detection, target_of(from),
                    target_of(*current_)});
    else if (*active < from_entry)
      emit(Failback{from_entry, *active, target_of(from), target_of(*current_)});
    last_ = current_;
  } else if (moved) {
    start_over();
  }
  return moved;
}

void LineEngine::concurrent_state(std::optional<size_t> lost) {
  if (current_) return set_state(LineState::kRegistered);
  bool attempting =
      std::ranges::any_of(holdings_,
                          [](const Holding& h) { return h.phase == Holding::Phase::kFirst; }) ||
      register_attempts_out();
  if (attempting) return set_state(LineState::kRegistering);
  Reason reason = lost ? holdings_[*lost].reason : Reason{};
  if (!reason.unavailable()) {
    // Refused (403, a wrong password): the server answered, as in a walk.
    return set_state(
        reason.kind == Reason::Kind::kAuthFailed ? LineState::kAuthFailed : LineState::kRejected,
        reason);
  }
  bool was_trying = state_ == LineState::kRegistering || state_ == LineState::kRegistered;
  set_state(LineState::kUnregistered, reason);
  if (!was_trying) return;
  // Every entry failed: one RegisterFailure, as a walk that failed everywhere.
  Millis soonest = holdings_.front().retry_at;
  for (const Holding& holding : holdings_) soonest = std::min(soonest, holding.retry_at);
  emit(RegisterFailure{reason, std::max(0ms, soonest - now_)});
}

void LineEngine::apply_concurrent_targets() {
  if (!slots_.staged()) return;
  // Not while an attempt is out: it was planned on the set it began with.
  for (const auto& [id, request] : pending_)
    if (request.purpose == Purpose::kWalk) return;
  if (!slots_.apply()) return;
  for (size_t entry = 0; entry < holdings_.size(); ++entry) {
    Holding& holding = holdings_[entry];
    if (slots_.in_order(holding.place)) continue;
    // Its target left the set: the entry registers on its new first target
    // (the registration at the old one expires there, as in a walk).
    holding.place = slots_.first_of(entry);
    if (holding.phase == Holding::Phase::kRegistered) register_entry(entry, Purpose::kWalk);
  }
  for (DialogId dialog : slots_.forget_unused(places_in_use(), now_)) end_dialog(dialog);
}

bool LineEngine::held(SlotId place) const {
  if (!concurrent()) return current_ == place;
  return std::ranges::any_of(holdings_, [place](const Holding& h) {
    return h.phase == Holding::Phase::kRegistered && h.place == place;
  });
}

bool LineEngine::holds_registration(size_t index) const {
  if (!concurrent()) return registered_server() == index;
  return index < holdings_.size() && holdings_[index].phase == Holding::Phase::kRegistered;
}

std::vector<SlotId> LineEngine::places_of(size_t entry) const {
  std::vector<SlotId> places;
  for (SlotId place : slots_.order())
    if (entry_of(place) == entry) places.push_back(place);
  return places;
}

}  // namespace sipsentry::engine
