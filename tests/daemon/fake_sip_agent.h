#pragma once
// A SipAgent in virtual time for daemon tests: it records what would go on
// the wire and fires timers only when the test advances the clock.

#include <map>
#include <vector>

#include "common/virtual_timers.h"
#include "fake_target_directory.h"
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
    sent_.push_back({id, timers_.now(), request, std::move(listener)});
    return id;
  }
  void abandon(RequestId id) override { abandoned_.push_back(id); }
  void end_call(const std::string&) override {}
  void run_until(const std::function<bool()>&) override {}
  engine::Millis now() const override { return timers_.now(); }
  TimerId start_timer(engine::Millis delay, std::function<void()> fire) override {
    return timers_.start(delay, std::move(fire));
  }
  void cancel_timer(TimerId id) override { timers_.cancel(id); }
  /// Posted work runs when virtual time next advances, as the real loop
  /// runs it at its next wake-up.
  void post(std::function<void()> work) override {
    timers_.start(engine::Millis(0), std::move(work));
  }
  uint64_t malformed_messages() const override { return 0; }
  uint64_t out_of_range_messages() const override { return 0; }
  uint16_t local_port() const override { return 5060; }
  resolve::TargetDirectory& directory() override { return directory_; }
  /// The record sets the daemon's lines see: published by the test.
  FakeTargetDirectory& fake_directory() { return directory_; }

  /// Moves the clock to now + `duration`, firing every timer due on the way in order.
  void advance(engine::Millis duration) { timers_.advance(duration); }

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
  VirtualTimers timers_;
  uint64_t next_id_ = 1;
  std::vector<Sent> sent_;
  std::vector<RequestId> abandoned_;
  FakeTargetDirectory directory_;
};

}  // namespace sipsentry::testing
