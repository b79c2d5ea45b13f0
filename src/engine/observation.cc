// Observation beyond the phone (spec.md §7): OPTIONS to every server the
// line is not registered with. The outcomes are reported, never acted on.
#include "engine/line_engine.h"

namespace sipsentry::engine {

void LineEngine::on_observe_timer() {
  start_timer(TimerKind::kObserve, settings_.observe_interval);
  for (size_t server = 0; server < settings_.servers.size(); ++server) {
    if (server == current_ || embargoed(server)) continue;
    bool busy = false;
    for (const auto& [id, request] : pending_) busy = busy || request.server == server;
    // A request already out to this server will tell us its state.
    if (!busy) send(Purpose::kObserve, Method::kOptions, server, kOneOff, BudgetKind::kNonLast);
  }
}

}  // namespace sipsentry::engine
