#pragma once
// A SipAgent in virtual time for daemon tests: it records what would go on
// the wire and fires timers only when the test advances the clock.

#include <map>
#include <vector>

#include "sip/sip_agent.h"

namespace sipsentry::testing {

class FakeSipAgent : public sip::SipAgent {
 public:
  struct Sent {
    RequestId id;
    engine::Millis at;
    sip::OutgoingRequest request;
    Listener listener;
  };

  RequestId send(const sip::OutgoingRequest& request, Listener listener) override {
    RequestId id = next_id_++;
    sent_.push_back({id, now_, request, std::move(listener)});
    return id;
  }
  void abandon(RequestId id) override { abandoned_.push_back(id); }
  void end_call(const std::string&) override {}
  void run_until(const std::function<bool()>&) override {}
  engine::Millis now() const override { return now_; }
  TimerId start_timer(engine::Millis delay, std::function<void()> fire) override {
    TimerId id = next_id_++;
    timers_[id] = {now_ + delay, std::move(fire)};
    return id;
  }
  void cancel_timer(TimerId id) override { timers_.erase(id); }
  uint64_t malformed_messages() const override { return 0; }
  uint64_t out_of_range_messages() const override { return 0; }
  uint16_t local_port() const override { return 5060; }

  /// Moves the clock to now + `duration`, firing every timer due on the way in order.
  void advance(engine::Millis duration) {
    engine::Millis until = now_ + duration;
    for (;;) {
      auto next = timers_.end();
      for (auto it = timers_.begin(); it != timers_.end(); ++it)
        if (it->second.at <= until && (next == timers_.end() || it->second.at < next->second.at))
          next = it;
      if (next == timers_.end()) break;
      now_ = std::max(now_, next->second.at);
      std::function<void()> fire = std::move(next->second.fire);
      timers_.erase(next);
      fire();
    }
    now_ = until;
  }

  /// Answers request `index` of sent() with `status` (200 grants `expires`).
  void answer(size_t index, int status, engine::Millis expires = engine::Millis(3'600'000)) {
    sip::RequestReport report;
    report.outcome.status = status;
    if (status == 200) report.outcome.expires = expires;
    sent_.at(index).listener(report);
  }

  const std::vector<Sent>& sent() const { return sent_; }
  const std::vector<RequestId>& abandoned() const { return abandoned_; }

 private:
  struct Timer {
    engine::Millis at;
    std::function<void()> fire;
  };
  engine::Millis now_{0};
  uint64_t next_id_ = 1;
  std::vector<Sent> sent_;
  std::vector<RequestId> abandoned_;
  std::map<TimerId, Timer> timers_;
};

}  // namespace sipsentry::testing
