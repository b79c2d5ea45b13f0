// Failback (spec.md §5): while on a backup, probe the primary with an
// independent registration every failback.interval, and move back on 200 OK.
#include "engine/line_engine.h"

namespace sipsentry::engine {

void LineEngine::on_failback_timer() {
  if (!current_ || *current_ == 0) return;
  if (embargoed(0)) {
    // Retry-After: the primary asked for quiet; probe when it has passed.
    start_timer(TimerKind::kFailback, embargo_until_[0] - now_);
    return;
  }
  // A new dialog: its own Call-ID, From tag and CSeq space, not a refresh.
  send(Purpose::kFailbackProbe, Method::kRegister, 0, new_dialog(), BudgetKind::kFull,
       settings_.servers[0].expires);
}

void LineEngine::on_failback_outcome(const Pending& request, const Verdict& verdict,
                                     const Outcome& outcome) {
  // A probe that does not become the primary's registration ends its dialog.
  if (!current_ || *current_ == 0) return end_dialog(request.dialog);
  if (verdict.kind != Verdict::Kind::kSuccess) {
    end_dialog(request.dialog);
    bool unavailable = verdict.kind == Verdict::Kind::kUnavailable;
    emit(FailbackProbe{
        unavailable ? FailbackProbe::Result::kUnavailable : FailbackProbe::Result::kRejected,
        verdict.reason});
    start_timer(TimerKind::kFailback, settings_.failback.interval);
    return;
  }
  size_t backup = *current_;
  DialogId backup_dialog = registration_dialog(backup);
  emit(FailbackProbe{FailbackProbe::Result::kSuccess, std::nullopt});
  abandon(Purpose::kRefresh);
  abandon(Purpose::kKeepalive);
  // The probe's dialog is the primary's registration from now on; the one
  // the line had there before failing over is over.
  if (server_dialogs_[0] && *server_dialogs_[0] != request.dialog) end_dialog(*server_dialogs_[0]);
  registered_on(0, request.dialog, outcome, false);
  emit(Failback{backup, 0});
  if (settings_.failback.unregister_previous)
    send(Purpose::kUnregister, Method::kRegister, backup, backup_dialog, list_budget(backup), 0ms);
}

}  // namespace sipsentry::engine
