#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

#include "engine/action.h"
#include "engine/budget.h"
#include "engine/line_settings.h"
#include "engine/line_state.h"
#include "engine/outcome.h"

namespace sipsentry::engine {

/// One line behaving exactly like the phone of spec.md §2–§7, as a pure
/// state machine: every entry point takes the driver's current time and an
/// input, and returns the actions the driver must carry out. It never reads
/// a clock or touches the network, so the same inputs give the same actions.
class LineEngine {
 public:
  explicit LineEngine(LineSettings settings);

  /// Start-up: the phone's "manual registration".
  Actions start(Millis now);
  /// Shut down: abandon everything; un-REGISTER when unregister_on_exit.
  Actions stop(Millis now);
  /// A response or transport error for request `id`. Unknown ids (late
  /// answers to abandoned requests) are ignored.
  /// REQUIRES: outcome.possible() (a status of 100-699 or a transport error,
  /// Retry-After at most kMaxRetryAfter, expiry at most kMaxExpiry, neither
  /// negative); the adapter guarantees it. An impossible outcome is ignored
  /// like a late answer: the request's budget decides, as if it never came.
  Actions on_outcome(Millis now, RequestId id, const Outcome& outcome);
  /// TCP/TLS: the connection carrying request `id` is established, so a
  /// silence past the budget is a `timeout`, not a `tcp_timeout`.
  Actions on_connected(Millis now, RequestId id);
  /// Timer `id`, started by a StartTimer action, has expired.
  Actions on_timer(Millis now, TimerId id);
  /// Place one test call now (the line must have a test_call).
  Actions place_test_call(Millis now);

  const LineSettings& settings() const { return settings_; }
  LineState state() const { return state_; }
  /// The server the line holds its registration with, if any.
  std::optional<size_t> registered_server() const { return current_; }
  bool stopped() const { return stopped_; }
  /// Requests sent and not yet finished (answered, failed or abandoned).
  size_t requests_in_flight() const { return pending_.size(); }
  /// Dialogs whose CSeq the engine keeps: at most one a server, plus a
  /// failback probe and a test call in progress, however long it runs.
  size_t dialogs() const { return cseqs_.size(); }
  /// Until when servers[index] may only be sent the line's own register walk.
  Millis retry_after_until(size_t index) const { return embargo_until_.at(index); }

 private:
  struct Pending {
    Purpose purpose;
    Method method;
    size_t server;
    DialogId dialog;
    Millis first_sent;
    bool authorized = false;  // it answers a challenge: a second one is auth_failed
    bool connected = false;   // TCP/TLS connection established
    std::optional<Millis> expires;
  };

  /// A register walk (spec.md §4): the servers still to try, in order.
  struct Walk {
    std::vector<size_t> order{};
    size_t next = 0;
    Method trigger = Method::kRegister;  // the method that found the server unavailable
    std::optional<Reason> first_reason{};
    Millis detection = 0ms;
    std::optional<Reason> last_reason{};
  };

  /// A test call in progress (spec.md §6).
  struct Call {
    enum class Phase { kAwaitingRegistration, kInviting, kRinging, kAnswered, kHangingUp };
    Phase phase = Phase::kAwaitingRegistration;
    Method waiting_method = Method::kInvite;  // what to send once re-registered
    DialogId dialog = 0;
    std::optional<size_t> server{};
    Millis started = 0ms;
    std::optional<Millis> first_18x{};
    std::optional<Millis> answered{};
    std::optional<size_t> invite_server{};
    RequestId invite = 0;
    bool cancelled = false;  // the ring timeout sent a CANCEL
    // Servers the INVITE (or, once answered, the BYE) found unavailable: the
    // call tries each once, or servers that register but refuse calls would
    // bounce it between them for ever.
    std::vector<size_t> unavailable{};
  };

  // line_engine.cc: requests, timers, events.
  RequestId send(Purpose purpose, Method method, size_t server, DialogId dialog, BudgetKind kind,
                 std::optional<Millis> expires = {}, bool authorize = false);
  void finish(RequestId id, const Pending& request, const Outcome& outcome);
  void answer_challenge(const Pending& request);
  void timed_out(RequestId id);
  void dispatch(const Pending& request, const Verdict& verdict, const Outcome& outcome);
  void abandon(Purpose purpose);
  void start_timer(TimerKind kind, Millis delay, uint64_t key = 0);
  void cancel_timer(TimerKind kind, uint64_t key = 0);
  template <typename T>
  void emit(T what) {
    out_.push_back(Event{now_, std::move(what)});
  }
  void set_state(LineState state, std::optional<Reason> reason = {});
  DialogId new_dialog() { return next_dialog_++; }
  /// Forgets a dialog that is over and tells the adapter (EndDialog).
  void end_dialog(DialogId dialog);
  void send_ack(size_t server, DialogId dialog);
  DialogId registration_dialog(size_t server);
  BudgetKind list_budget(size_t server) const;
  bool embargoed(size_t server) const { return embargo_until_[server] > now_; }
  /// True when a request for `purpose` must not go to `server` now (Retry-After).
  bool held_back(Purpose purpose, size_t server) const;
  Actions take();

  // register_walk.cc: spec.md §4.
  void begin_walk(Method trigger, std::vector<size_t> tried, std::optional<Reason> reason,
                  Millis detection);
  void walk_next();
  void on_walk_outcome(const Pending& request, const Verdict& verdict, const Outcome& outcome);
  void failover_failure();
  void registration_refused(const Reason& reason);
  void registered_on(size_t server, DialogId dialog, const Outcome& outcome, bool refresh);
  void leave_registration();
  void start_over();

  // registration_upkeep.cc: refresh and keep-alive.
  void on_refresh_timer();
  void on_refresh_outcome(const Pending& request, const Verdict& verdict, const Outcome& outcome);
  void on_keepalive_timer();
  void on_keepalive_outcome(const Pending& request, const Verdict& verdict);
  void fail_current(const Pending& request, const Reason& reason);

  // failback.cc: spec.md §5.
  void on_failback_timer();
  void on_failback_outcome(const Pending& request, const Verdict& verdict, const Outcome& outcome);

  // observation.cc: spec.md §7.
  void on_observe_timer();

  // test_call.cc: spec.md §6.
  void on_test_call_timer();
  void begin_call();
  void send_call_request(Method method, size_t server);
  void on_call_provisional(RequestId id, const Outcome& outcome);
  void on_call_outcome(const Pending& request, const Verdict& verdict, const Outcome& outcome);
  void on_call_server_unavailable(const Pending& request, const Reason& reason);
  void on_ring_timeout();
  void on_hold_timer();
  void resume_call_after_walk(bool registered);
  void end_call(std::string result);

  LineSettings settings_;
  Millis now_ = 0ms;
  Actions out_;
  bool stopped_ = false;

  LineState state_ = LineState::kRegistering;
  std::optional<size_t> current_;  // server holding the registration
  size_t last_server_ = 0;         // server the line was last on (the primary when it holds none)
  std::vector<std::optional<DialogId>> server_dialogs_;
  std::vector<Millis> embargo_until_;  // Retry-After per server
  std::vector<Reason> quiet_reason_;   // the response that carried it
  std::optional<Walk> walk_;
  std::optional<Call> call_;

  std::map<RequestId, Pending> pending_;
  RequestId next_request_ = 1;
  DialogId next_dialog_ = 1;
  std::map<DialogId, uint32_t> cseqs_;
};

}  // namespace sipsentry::engine
