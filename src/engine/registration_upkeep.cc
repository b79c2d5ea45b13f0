// Keeping a registration (spec.md §4): refresh before it expires, and
// OPTIONS keep-alives that notice a dead server between refreshes.
#include "engine/line_engine.h"

namespace sipsentry::engine {

void LineEngine::on_refresh_timer() {
  if (!current_) return;
  // A changed SRV record set takes effect at a refresh. A registration on a
  // target that left the set cannot be renewed there (the server is gone
  // from the domain's records): the line walks from the primary instead.
  if (!apply_targets()) return begin_walk(Method::kRegister, {}, std::nullopt, 0ms);
  if (probe_primary_at_refresh()) return;
  send_refresh();
}

void LineEngine::send_refresh() {
  SlotId server = *current_;
  send(Purpose::kRefresh, Method::kRegister, server, registration_dialog(server),
       list_budget(server), settings_.servers[entry_of(server)].expires);
}

void LineEngine::on_refresh_outcome(const Pending& request, const Verdict& verdict,
                                    const Outcome& outcome) {
  if (current_ != request.server) return;
  switch (verdict.kind) {
    case Verdict::Kind::kSuccess:
      registered_on(request.server, request.dialog, outcome, true);
      return;
    case Verdict::Kind::kUnavailable:
      fail_current(request, verdict.reason);
      return;
    case Verdict::Kind::kFailed:
    case Verdict::Kind::kChallenge:
      registration_refused(verdict.reason);
      return;
  }
}

void LineEngine::on_keepalive_timer() {
  if (!current_) return;
  start_timer(TimerKind::kKeepalive, settings_.keepalive_interval);
  if (out_to(Purpose::kKeepalive, *current_)) return;  // the last one is still out
  send(Purpose::kKeepalive, Method::kOptions, *current_, kOneOff, BudgetKind::kNonLast);
}

void LineEngine::on_keepalive_outcome(const Pending& request, const Verdict& verdict) {
  if (current_ != request.server || verdict.kind != Verdict::Kind::kUnavailable) return;
  fail_current(request, verdict.reason);
}

/// The current server was found unavailable: walk from the primary.
void LineEngine::fail_current(const Pending& request, const Reason& reason) {
  begin_walk(request.method, {request.server}, reason, now_ - request.first_sent);
}

}  // namespace sipsentry::engine
