// Observation beyond the phone (spec.md §7): OPTIONS to every server the
// line is not registered with. The outcomes are reported, never acted on.
#include "engine/line_engine.h"

namespace sipsentry::engine {

void LineEngine::on_observe_timer() {
  start_timer(TimerKind::kObserve, settings_.observe_interval);
  // One OPTIONS a configured server, to its first SRV target (where a walk
  // or failback goes first), not one a target: the load a line puts on a
  // domain and the series it reports stay bounded by the configuration
  // (8 servers), whatever the size of the record sets. The other targets
  // show their state when the walk reaches them.
  for (size_t entry = 0; entry < settings_.servers.size(); ++entry) {
    SlotId server = slots_.first_of(entry);
    if (held(server) || embargoed(server)) continue;
    bool busy = false;
    for (const auto& [id, request] : pending_) busy = busy || request.server == server;
    // A request already out to this server will tell us its state.
    if (!busy) send(Purpose::kObserve, Method::kOptions, server, kOneOff, BudgetKind::kNonLast);
  }
}

}  // namespace sipsentry::engine
