#include "engine/virtual_driver.h"

#include <utility>

namespace sipsentry::engine {

VirtualDriver::VirtualDriver(LineSettings settings, Responder responder,
                             LineEngine::FractionDraw draw)
    : engine_(std::move(settings), std::move(draw)), responder_(std::move(responder)) {}

void VirtualDriver::start() {
  apply(engine_.start(now_));
}

void VirtualDriver::stop() {
  apply(engine_.stop(now_));
}

void VirtualDriver::place_test_call() {
  apply(engine_.place_test_call(now_));
}

void VirtualDriver::set_targets(size_t server, std::vector<Target> targets,
                                std::optional<Millis> ttl) {
  apply(engine_.set_targets(now_, server, std::move(targets), ttl));
}

void VirtualDriver::respond(RequestId id, const Outcome& outcome) {
  if (!outcome.provisional()) forget(id);
  apply(engine_.on_outcome(now_, id, outcome));
}

void VirtualDriver::connected(RequestId id) {
  apply(engine_.on_connected(now_, id));
}

void VirtualDriver::put_on_wire(const WireSend& send) {
  wire_.push_back(send);
  journal_.push_back(send);
}

void VirtualDriver::forget(RequestId id) {
  in_flight_.erase(id);
  first_sent_.erase(id);
  next_attempt_.erase(id);
}

std::optional<Millis> VirtualDriver::timer_due(TimerId id) const {
  auto found = timers_.find(id);
  if (found == timers_.end()) return std::nullopt;
  return found->second;
}

void VirtualDriver::apply(Actions actions) {
  for (const Action& action : actions) apply_one(action);
}

void VirtualDriver::apply_one(const Action& action) {
  if (auto* request = std::get_if<SendRequest>(&action)) {
    send(*request);
  } else if (auto* abandon = std::get_if<AbandonRequest>(&action)) {
    forget(abandon->id);
  } else if (auto* start = std::get_if<StartTimer>(&action)) {
    timers_[start->id] = now_ + start->delay;
  } else if (auto* cancel = std::get_if<CancelTimer>(&action)) {
    timers_.erase(cancel->id);
  } else if (auto* event = std::get_if<Event>(&action)) {
    events_.push_back(*event);
    journal_.push_back(*event);
  }
}

void VirtualDriver::send(const SendRequest& request) {
  put_on_wire(WireSend{now_, request, 0});
  if (request.method == Method::kAck) return;  // no transaction, no answer
  in_flight_[request.id] = request;
  first_sent_[request.id] = now_;
  next_attempt_[request.id] = 1;
  if (!responder_) return;
  if (std::optional<Reply> reply = responder_(request, now_))
    replies_.push_back(Scheduled{now_ + reply->delay, request.id, reply->outcome});
}

std::optional<Millis> VirtualDriver::next_due() const {
  std::optional<Millis> due;
  auto consider = [&due](Millis at) {
    if (!due || at < *due) due = at;
  };
  for (const auto& [id, at] : timers_) consider(at);
  for (const Scheduled& reply : replies_) consider(reply.at);
  for (const auto& [id, attempt] : next_attempt_) {
    const SendRequest& request = in_flight_.at(id);
    if (attempt < request.sends.size()) consider(first_sent_.at(id) + request.sends[attempt]);
  }
  return due;
}

void VirtualDriver::advance_to(Millis until) {
  while (std::optional<Millis> due = next_due()) {
    if (*due > until) break;
    now_ = *due;
    fire_next(*due);
  }
  now_ = until;
}

/// Fires one thing due at `at`: retransmissions first (they leave before a
/// reply that arrives at the same instant is read), then replies, then timers.
void VirtualDriver::fire_next(Millis at) {
  for (auto& [id, attempt] : next_attempt_) {
    const SendRequest& request = in_flight_.at(id);
    if (attempt < request.sends.size() && first_sent_.at(id) + request.sends[attempt] == at) {
      put_on_wire(WireSend{at, request, static_cast<int>(attempt)});
      ++attempt;
      return;
    }
  }
  for (auto it = replies_.begin(); it != replies_.end(); ++it) {
    if (it->at != at) continue;
    Scheduled reply = *it;
    replies_.erase(it);
    if (in_flight_.contains(reply.id)) respond(reply.id, reply.outcome);
    return;
  }
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->second != at) continue;
    TimerId id = it->first;
    timers_.erase(it);
    apply(engine_.on_timer(at, id));
    return;
  }
}

}  // namespace sipsentry::engine
