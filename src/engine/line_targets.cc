// SRV targets (spec.md §2 "Servers by name"): a server entry resolved by SRV
// takes its targets' places in the line's walk, and a changed record set
// takes effect at the next walk, failback probe or refresh.
#include "engine/line_engine.h"

namespace sipsentry::engine {

Actions LineEngine::set_targets(Millis now, size_t server, std::vector<Target> targets,
                                std::optional<Millis> ttl) {
  now_ = now;
  if (server >= settings_.servers.size() || stopped_) return take();
  if (server == 0) primary_ttl_ = ttl;
  slots_.stage(server, std::move(targets));
  // Before start-up nothing is under way: the first walk already uses it.
  if (!started_) {
    slots_.apply();
    slots_.forget_unused({}, now_);
  }
  return take();
}

std::vector<std::pair<size_t, std::optional<Target>>> LineEngine::walk_targets() const {
  std::vector<std::pair<size_t, std::optional<Target>>> walk;
  for (SlotId server : slots_.order()) walk.emplace_back(entry_of(server), target_of(server));
  return walk;
}

bool LineEngine::apply_targets() {
  if (!slots_.staged()) return true;
  // Not while a walk or a failback probe is out: each was planned on the
  // set it began with (its places, budgets, the primary it probes). The
  // next refresh or probe applies the set instead.
  for (const auto& [id, request] : pending_)
    if (request.purpose == Purpose::kWalk || request.purpose == Purpose::kFailbackProbe)
      return true;
  SlotId primary_before = slots_.primary();
  if (!slots_.apply()) return true;
  bool kept = !current_ || slots_.in_order(*current_);
  if (!kept) {
    // The registration is on a target that left the set: give it up (it
    // expires at a server no longer ours) and start over from the primary.
    leave_registration();
    start_over();
  } else if (current_ && settings_.failback.enabled) {
    // The primary's first target changed under a registered line: the line
    // is now on a backup (failback timer runs) or now where it belongs.
    bool was_primary = *current_ == primary_before;
    bool is_primary = *current_ == slots_.primary();
    if (was_primary && !is_primary) start_failback_timer();
    if (!was_primary && is_primary) cancel_timer(TimerKind::kFailback);
  }
  // Requests still out to a target that left (an observation, a test call)
  // keep their place, so that their outcome is reported for the target they
  // went to; the place goes at a later change, once nothing names it.
  for (DialogId dialog : slots_.forget_unused(places_in_use(), now_)) end_dialog(dialog);
  return kept;
}

std::set<SlotId> LineEngine::places_in_use() const {
  // Not walk_: a set is applied only when no walk is under way, or at the
  // start of one that replaces it.
  std::set<SlotId> in_use;
  if (current_) in_use.insert(*current_);
  if (last_) in_use.insert(*last_);
  for (const Holding& holding : holdings_) in_use.insert(holding.place);
  for (const auto& [id, request] : pending_) in_use.insert(request.server);
  if (call_) {
    if (call_->server) in_use.insert(*call_->server);
    if (call_->invite_server) in_use.insert(*call_->invite_server);
    in_use.insert(call_->unavailable.begin(), call_->unavailable.end());
  }
  return in_use;
}

}  // namespace sipsentry::engine
