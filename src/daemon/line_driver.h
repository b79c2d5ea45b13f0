#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/event_observer.h"
#include "engine/line_engine.h"
#include "sip/sip_agent.h"

namespace sipsentry::daemon {

/// Runs one line's engine in real time: carries out its actions through the
/// SIP agent, runs its timers on the agent's event loop (the engine's `now`
/// is the agent's monotonic clock), and hands its events to the observer.
/// The real-time counterpart of engine::VirtualDriver.
class LineDriver {
 public:
  /// REQUIRES: `agent` and `observer` outlive the driver.
  LineDriver(sip::SipAgent& agent, config::LineConfig line, EventObserver& observer);
  ~LineDriver();
  LineDriver(const LineDriver&) = delete;
  LineDriver& operator=(const LineDriver&) = delete;

  /// Starts the line; one whose servers include names resolved by SRV
  /// (a name without a port) starts once each has its first record set,
  /// as a phone registers once its DNS lookup is done: the first walk then
  /// knows every target, and no request goes to a guessed address.
  void start();
  void stop();
  /// Waiting for the first record sets before the engine starts.
  bool resolving() const { return awaiting_records_ > 0; }
  /// Places one test call now (the line must have a test_call).
  void place_test_call();
  /// The SRV targets of servers[server] in RFC 2782 order (empty: as
  /// configured), as LineEngine::set_targets takes them: before start() at
  /// once, after at the line's next walk, failback probe or refresh.
  void set_targets(size_t server, std::vector<engine::Target> targets,
                   std::optional<engine::Millis> ttl = {});
  const engine::LineEngine& engine() const { return engine_; }
  /// Dialogs with a Call-ID and tag made for them (bounded like the engine's).
  size_t dialogs() const { return dialogs_.size(); }
  const config::LineConfig& line() const { return line_; }

 private:
  /// The Call-ID and From tag the wire uses for one engine dialog.
  struct Identity {
    std::string call_id;
    std::string from_tag;
  };

  void apply(engine::Actions actions);
  void apply_one(const engine::Action& action);
  void send(const engine::SendRequest& request);
  void on_report(engine::RequestId id, const sip::RequestReport& report);
  void abandon(engine::RequestId id);
  void start_timer(const engine::StartTimer& start);
  void cancel_timer(engine::TimerId id);
  sip::OutgoingRequest wire_request(const engine::SendRequest& request);
  Identity identity_of(engine::DialogId dialog);
  static bool call_method(engine::Method method);
  void end_call();
  void end_dialog(engine::DialogId dialog);

  void watch_record_sets();
  void on_record_set(size_t server, const resolve::Resolution& records);

  sip::SipAgent& agent_;
  config::LineConfig line_;
  EventObserver& observer_;
  engine::LineEngine engine_;
  std::map<engine::TimerId, sip::SipAgent::TimerId> timers_;
  std::map<engine::RequestId, sip::SipAgent::RequestId> requests_;
  std::map<engine::DialogId, Identity> dialogs_;  // made the first time the engine names one
  std::optional<engine::DialogId> call_dialog_;   // the test call in progress
  std::vector<resolve::TargetDirectory::WatchId> watches_;  // servers resolved by SRV
  std::vector<bool> has_records_;                           // by server: its first record set came
  size_t awaiting_records_ = 0;  // servers whose first record set has not come
  bool start_wanted_ = false;    // start() came; the engine starts when none is awaited
};

}  // namespace sipsentry::daemon
