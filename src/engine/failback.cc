// Failback (spec.md §5): while on a backup, probe the primary with an
// independent registration, and move back on 200 OK. When depends on
// failback.mode: every failback.interval (timer), at the registration's
// refresh (registration, new_requests), or when the primary's SRV records
// expire (dns_ttl).
#include <algorithm>
#include <utility>

#include "engine/line_engine.h"

namespace sipsentry::engine {

void LineEngine::start_failback_timer() {
  using Mode = FailbackSettings::Mode;
  const FailbackSettings& failback = settings_.failback;
  if (!failback.enabled) return cancel_timer(TimerKind::kFailback);
  if (failback.mode == Mode::kTimer) return start_timer(TimerKind::kFailback, failback.interval);
  // A primary without SRV records (an address, a name with a port) has no
  // TTL the line sees: dns_ttl is then the timer mode.
  if (failback.mode == Mode::kDnsTtl)
    return start_timer(TimerKind::kFailback, primary_ttl_.value_or(failback.interval));
  cancel_timer(TimerKind::kFailback);  // registration, new_requests: no timer of their own
}

namespace {

bool probes_at_refresh(const FailbackSettings& failback) {
  using Mode = FailbackSettings::Mode;
  return failback.enabled &&
         (failback.mode == Mode::kRegistration || failback.mode == Mode::kNewRequests);
}

}  // namespace

Millis LineEngine::failback_probe_lead(SlotId server, Millis refresh_after) const {
  SlotId primary = slots_.primary();
  if (!probes_at_refresh(settings_.failback) || server == primary) return 0ms;
  Millis budget = plan_request(settings_, entry_of(primary), transport_of(primary),
                               Method::kRegister, BudgetKind::kNonLast)
                      .budget;
  return std::min(budget, refresh_after);
}

bool LineEngine::probe_primary_at_refresh() {
  if (!probes_at_refresh(settings_.failback)) return false;
  SlotId primary = slots_.primary();
  // Retry-After: the primary asked for quiet; the refresh stays where it is.
  if (!current_ || *current_ == primary || embargoed(primary)) return false;
  probing_at_refresh_ = true;
  // The primary has a successor: the non-last budget, so that the refresh
  // on the backup follows soon enough when the primary is still down.
  send(Purpose::kFailbackProbe, Method::kRegister, primary, new_dialog(), BudgetKind::kNonLast,
       settings_.servers[entry_of(primary)].expires);
  return true;
}

std::optional<SlotId> LineEngine::primary_for_new_request() const {
  // Concurrent: the line is already on the highest-priority registration.
  if (!settings_.failback.enabled || concurrent() ||
      settings_.failback.mode != FailbackSettings::Mode::kNewRequests)
    return std::nullopt;
  SlotId primary = slots_.primary();
  if (!current_ || *current_ == primary || embargoed(primary)) return std::nullopt;
  return primary;
}

void LineEngine::on_failback_timer() {
  if (!current_) return;
  // A changed SRV record set takes effect before the probe: it goes to the
  // primary's first target as the set now has it.
  if (!apply_targets()) return begin_walk(Method::kRegister, {}, std::nullopt, 0ms);
  SlotId primary = slots_.primary();
  if (*current_ == primary) return;
  if (embargoed(primary)) {
    // Retry-After: the primary asked for quiet; probe when it has passed.
    start_timer(TimerKind::kFailback, slots_.place(primary).embargo_until - now_);
    return;
  }
  // A new dialog: its own Call-ID, From tag and CSeq space, not a refresh.
  send(Purpose::kFailbackProbe, Method::kRegister, primary, new_dialog(), BudgetKind::kFull,
       settings_.servers[entry_of(primary)].expires);
}

void LineEngine::on_failback_outcome(const Pending& request, const Verdict& verdict,
                                     const Outcome& outcome) {
  // A probe that does not become the primary's registration ends its dialog.
  // (No record set is applied while a probe is out: request.server is
  // still the primary's first target.)
  bool at_refresh = std::exchange(probing_at_refresh_, false);
  if (!current_ || *current_ == request.server) return end_dialog(request.dialog);
  if (verdict.kind != Verdict::Kind::kSuccess) {
    end_dialog(request.dialog);
    bool unavailable = verdict.kind == Verdict::Kind::kUnavailable;
    emit(FailbackProbe{
        unavailable ? FailbackProbe::Result::kUnavailable : FailbackProbe::Result::kRejected,
        verdict.reason});
    // At a refresh the probe stood for the refresh: the line renews its
    // registration where it is, at once.
    if (at_refresh) return send_refresh();
    start_failback_timer();
    return;
  }
  SlotId backup = *current_;
  SlotId primary = request.server;
  DialogId backup_dialog = registration_dialog(backup);
  emit(FailbackProbe{FailbackProbe::Result::kSuccess, std::nullopt});
  abandon(Purpose::kRefresh);
  abandon(Purpose::kKeepalive);
  // The probe's dialog is the primary's registration from now on; the one
  // the line had there before failing over is over.
  std::optional<DialogId> before = slots_.place(primary).dialog;
  if (before && *before != request.dialog) end_dialog(*before);
  registered_on(primary, request.dialog, outcome, false);
  emit(Failback{entry_of(backup), entry_of(primary), target_of(backup), target_of(primary)});
  if (settings_.failback.unregister_previous)
    send(Purpose::kUnregister, Method::kRegister, backup, backup_dialog, list_budget(backup), 0ms);
}

}  // namespace sipsentry::engine
