#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "engine/action.h"
#include "engine/budget.h"
#include "engine/line_settings.h"
#include "engine/line_state.h"
#include "engine/outcome.h"
#include "engine/targets.h"

namespace sipsentry::engine {

/// One line behaving exactly like the phone of spec.md §2–§7, as a pure
/// state machine: every entry point takes the driver's current time and an
/// input, and returns the actions the driver must carry out. It never reads
/// a clock or touches the network, so the same inputs give the same actions.
class LineEngine {
 public:
  /// A random fraction in [0, 1]: the engine's only source of chance
  /// (register_retry's back-off), an input so that virtual time stays
  /// deterministic. None: always 1, the longest wait.
  using FractionDraw = std::function<double()>;

  explicit LineEngine(LineSettings settings, FractionDraw draw = {});

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
  /// The SRV targets of servers[server], in the order to try them (RFC
  /// 2782's, drawn by the caller); empty: the entry as configured (no SRV).
  /// REQUIRES: server < servers.size(); at most kMaxTargetsPerEntry targets
  /// (the resolver's kMaxTargetsPerServer): more are cut to the first ones.
  /// Before start() the set takes effect at once (the driver resolves
  /// before it starts the line). After, it takes effect at the next register
  /// walk, failback probe or refresh, never in the middle of one.
  /// `ttl`: how long the set is good for (the records' TTL as the resolver
  /// keeps them); the primary's is failback.mode dns_ttl's timer.
  Actions set_targets(Millis now, size_t server, std::vector<Target> targets,
                      std::optional<Millis> ttl = {});

  const LineSettings& settings() const { return settings_; }
  LineState state() const { return state_; }
  /// The server the line holds its registration with, if any.
  std::optional<size_t> registered_server() const;
  /// The SRV target of that server the registration is with (nullopt: the
  /// server as configured, or no registration).
  std::optional<Target> registered_target() const;
  /// True when the registration is where the line belongs: the primary, or
  /// its first SRV target (on its second target the line is on a backup,
  /// though registered_server() is 0).
  bool on_primary() const { return current_ && *current_ == slots_.primary(); }
  /// The walk as it stands: each place's server and SRV target, in order.
  std::vector<std::pair<size_t, std::optional<Target>>> walk_targets() const;
  bool stopped() const { return stopped_; }
  /// Requests sent and not yet finished (answered, failed or abandoned).
  size_t requests_in_flight() const { return pending_.size(); }
  /// Whether a REGISTER that is no renewal is out: a walk's, or, with
  /// redundancy: concurrent, a server's own attempt (while the line is
  /// already registered elsewhere).
  bool register_attempts_out() const;
  /// Dialogs whose CSeq the engine keeps: at most one a server (an SRV
  /// target: one a target of the walk, and one for a target that left
  /// while its Retry-After runs), plus a failback probe and a test call in
  /// progress, however long it runs.
  size_t dialogs() const { return cseqs_.size(); }
  /// Until when servers[index] (its first SRV target) may only be sent the
  /// line's own register walk.
  Millis retry_after_until(size_t index) const;
  /// Whether servers[index] holds a registration of this line: the one it
  /// is registered with, or, with redundancy: concurrent, any that holds one.
  bool holds_registration(size_t index) const;

 private:
  // Servers are places of the walk (targets.h) from here on: a line
  // without SRV has one place per server, numbered like the servers.
  struct Pending {
    Purpose purpose;
    Method method;
    SlotId server;
    DialogId dialog;
    Millis first_sent;
    bool authorized = false;  // it answers a challenge: a second one is auth_failed
    bool connected = false;   // TCP/TLS connection established
    std::optional<Millis> expires;
  };

  /// A register walk (spec.md §4): the servers still to try, in order.
  struct Walk {
    std::vector<SlotId> order{};
    size_t next = 0;
    Method trigger = Method::kRegister;  // the method that found the server unavailable
    std::optional<Reason> first_reason{};
    Millis detection = 0ms;
    std::optional<Reason> last_reason{};
  };

  /// redundancy: concurrent: the registration one server entry keeps.
  struct Holding {
    enum class Phase {
      kFirst,       // its first REGISTER since start-up is out: the line waits for it to choose
      kRegistered,  // it holds a registration
      kDown,        // it lost its registration or never got one; retried
    };
    Phase phase = Phase::kFirst;
    SlotId place = 0;         // the SRV target (or the entry as configured) it registers with
    uint32_t failures = 0;    // consecutive failed attempts (register_retry)
    Millis retry_at = 0ms;    // kDown: when it tries again
    Millis expires_at = 0ms;  // kRegistered: when its registration runs out
    // What found it unavailable: the Failover's method, reason and detection.
    Method lost_by = Method::kRegister;
    Reason reason{};
    Millis detection = 0ms;
  };

  /// A test call in progress (spec.md §6).
  struct Call {
    enum class Phase { kAwaitingRegistration, kInviting, kRinging, kAnswered, kHangingUp };
    Phase phase = Phase::kAwaitingRegistration;
    Method waiting_method = Method::kInvite;  // what to send once re-registered
    DialogId dialog = 0;
    std::optional<SlotId> server{};
    Millis started = 0ms;
    std::optional<Millis> first_18x{};
    std::optional<Millis> answered{};
    std::optional<SlotId> invite_server{};
    RequestId invite = 0;
    bool cancelled = false;  // the ring timeout sent a CANCEL
    // Servers the INVITE (or, once answered, the BYE) found unavailable: the
    // call tries each once, or servers that register but refuse calls would
    // bounce it between them for ever.
    std::vector<SlotId> unavailable{};
  };

  // line_engine.cc: requests, timers, events.
  RequestId send(Purpose purpose, Method method, SlotId server, DialogId dialog, BudgetKind kind,
                 std::optional<Millis> expires = {}, bool authorize = false);
  void finish(RequestId id, const Pending& request, const Outcome& outcome);
  void answer_challenge(const Pending& request);
  void timed_out(RequestId id);
  void dispatch(const Pending& request, const Verdict& verdict, const Outcome& outcome);
  /// Abandons every request out for `purpose` (only those to `server`, when given).
  void abandon(Purpose purpose, std::optional<SlotId> server = {});
  /// Whether a request for `purpose` to `server` is still out.
  bool out_to(Purpose purpose, SlotId server) const;
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
  void send_ack(SlotId server, DialogId dialog);
  DialogId registration_dialog(SlotId server);
  BudgetKind list_budget(SlotId server) const;
  bool embargoed(SlotId server) const { return slots_.place(server).embargo_until > now_; }
  /// True when a request for `purpose` must not go to `server` now (Retry-After).
  bool held_back(Purpose purpose, SlotId server) const;
  size_t entry_of(SlotId server) const { return slots_.slot(server).entry; }
  const std::optional<Target>& target_of(SlotId server) const { return slots_.slot(server).target; }
  Transport transport_of(SlotId server) const;
  Actions take();

  // line_targets.cc: SRV record sets (targets.h's table) and their changes.
  /// Applies the staged record sets, unless a walk or failback probe is
  /// under way. Returns false when the line's registration was on a target
  /// that left: it cannot be refreshed there, and the caller walks anew.
  bool apply_targets();
  std::set<SlotId> places_in_use() const;

  // register_walk.cc: spec.md §4.
  void begin_walk(Method trigger, std::vector<SlotId> tried, std::optional<Reason> reason,
                  Millis detection);
  void walk_next();
  void on_walk_outcome(const Pending& request, const Verdict& verdict, const Outcome& outcome);
  void failover_failure();
  void registration_refused(const Reason& reason);
  void registered_on(SlotId server, DialogId dialog, const Outcome& outcome, bool refresh);
  void leave_registration();
  void start_over();

  // registration_upkeep.cc: refresh and keep-alive.
  void on_refresh_timer();
  /// REGISTER renewing the current registration, on its dialog.
  void send_refresh();
  void on_refresh_outcome(const Pending& request, const Verdict& verdict, const Outcome& outcome);
  void on_keepalive_timer();
  void on_keepalive_outcome(const Pending& request, const Verdict& verdict);
  void fail_current(const Pending& request, const Reason& reason);

  // failback.cc: spec.md §5.
  /// Starts the failback timer, in the modes that have one.
  void start_failback_timer();
  /// failback.mode registration or new_requests, on a backup: the refresh
  /// goes to the primary first, as a failback probe. False: no probe.
  bool probe_primary_at_refresh();
  /// How much earlier than `refresh_after` the refresh timer of a
  /// registration on `server` fires: in those modes, on a backup, the
  /// probe's budget, so that a primary still down leaves the backup's
  /// refresh on time, not late by the budget (and the registration lapsed).
  Millis failback_probe_lead(SlotId server, Millis refresh_after) const;
  /// failback.mode new_requests, on a backup: the primary, where a new
  /// test call's INVITE goes first.
  std::optional<SlotId> primary_for_new_request() const;
  void on_failback_timer();
  void on_failback_outcome(const Pending& request, const Verdict& verdict, const Outcome& outcome);

  // concurrent.cc: redundancy: concurrent.
  bool concurrent() const { return settings_.redundancy == Redundancy::kConcurrent; }
  void start_concurrent();
  void stop_concurrent();
  /// REGISTER from servers[entry] on a fresh attempt (kWalk) or renewing
  /// its registration (kRefresh), on that place's own dialog.
  void register_entry(size_t entry, Purpose purpose);
  void on_entry_timer(TimerId id);
  void on_entry_outcome(const Pending& request, const Verdict& verdict, const Outcome& outcome);
  void hold(size_t entry, const Pending& request, const Outcome& outcome);
  /// servers[entry] lost its registration (or an attempt failed): its
  /// timers and requests stop, its retry is drawn, and the line's active
  /// server is chosen again.
  void lose(size_t entry, Method method, const Reason& reason, Millis detection);
  /// The line's active server: the highest-priority entry holding a
  /// registration, once every entry above it has had its first answer.
  /// Emits Registered and Failover or Failback when it changes, and the
  /// line's state. Returns whether the active place changed.
  bool choose_active(std::optional<size_t> lost);
  void concurrent_state(std::optional<size_t> lost);
  /// Applies changed SRV sets (no first REGISTER out); an entry whose
  /// target left re-registers on its new first target.
  void apply_concurrent_targets();
  bool held(SlotId place) const;
  /// The places of servers[entry], in SRV order.
  std::vector<SlotId> places_of(size_t entry) const;

  // observation.cc: spec.md §7.
  void on_observe_timer();

  // test_call.cc: spec.md §6.
  void on_test_call_timer();
  void begin_call();
  void send_call_request(Method method, SlotId server);
  void on_call_provisional(RequestId id, const Outcome& outcome);
  void on_call_outcome(const Pending& request, const Verdict& verdict, const Outcome& outcome);
  void on_call_server_unavailable(const Pending& request, const Reason& reason);
  void on_ring_timeout();
  void on_hold_timer();
  void resume_call_after_walk(bool registered);
  void end_call(std::string result);

  /// Counts one more failure and draws the wait before the next register
  /// walk (register_retry).
  Millis next_register_retry();

  LineSettings settings_;
  FractionDraw draw_;
  uint32_t failures_ = 0;  // consecutive registrations failed or refused; 0 once registered
  std::optional<Millis> primary_ttl_{};  // the primary's SRV records' TTL (failback dns_ttl)
  bool probing_at_refresh_ = false;      // the failback probe out stands for a refresh
  Millis now_ = 0ms;
  Actions out_;
  bool started_ = false;
  bool stopped_ = false;

  LineState state_ = LineState::kRegistering;
  SlotTable slots_;                // the walk's places, and dialog and Retry-After of each
  std::optional<SlotId> current_;  // place holding the registration
  std::optional<SlotId> last_;     // place the line was last on (nullopt: the primary)
  std::optional<Walk> walk_;
  std::optional<Call> call_;
  std::vector<Holding> holdings_;  // redundancy: concurrent: one a server entry

  std::map<RequestId, Pending> pending_;
  RequestId next_request_ = 1;
  DialogId next_dialog_ = 1;
  std::map<DialogId, uint32_t> cseqs_;
};

}  // namespace sipsentry::engine
