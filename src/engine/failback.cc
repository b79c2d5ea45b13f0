// Failback (spec.md §5): while on a backup, probe the primary with an
// independent registration every failback.interval, and move back on 200 OK.
#include "engine/line_engine.h"

namespace sipsentry::engine {

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
  if (!current_ || *current_ == request.server) return end_dialog(request.dialog);
  if (verdict.kind != Verdict::Kind::kSuccess) {
    end_dialog(request.dialog);
    bool unavailable = verdict.kind == Verdict::Kind::kUnavailable;
    emit(FailbackProbe{
        unavailable ? FailbackProbe::Result::kUnavailable : FailbackProbe::Result::kRejected,
        verdict.reason});
    start_timer(TimerKind::kFailback, settings_.failback.interval);
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
