// Thousands of random lines against random servers: whatever happens, a line
// always has a timer that will move it on (it never gets stuck), its state
// agrees with its registration, time never runs backwards, it sends nothing
// but its register walk to a server inside that server's Retry-After, and a
// test call hangs up where it was answered and tries each server once. With
// SRV targets handed in at random moments, the same holds of each target.
#include <functional>
#include <random>
#include <set>

#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

class RandomWorld {
 public:
  explicit RandomWorld(uint32_t seed) : random_(seed) {}

  LineSettings line() {
    LineSettings line;
    line.name = "random";
    size_t count = pick(1, 4);
    for (size_t i = 0; i < count; ++i)
      line.servers.push_back(Server{.name = "s" + std::to_string(i),
                                    .address = "192.0.2." + std::to_string(i + 1),
                                    .transport = static_cast<Transport>(pick(0, 2)),
                                    .expires = seconds(5, 120)});
    line.timers.t1 = Millis(pick(50, 500));
    line.timers.t2 = line.timers.t1 * pick(1, 8);
    if (pick(0, 1))
      line.retry = {.mode = RetryPolicy::Mode::kPeriod, .period = Millis(pick(100, 5000))};
    else
      line.retry.count = static_cast<int>(pick(0, 4));
    line.register_retry_interval = seconds(1, 60);
    line.refresh_ratio = pick(0, 1) ? 0.9 : 0.5;
    line.keepalive_interval = pick(0, 1) * seconds(1, 60);
    line.observe_interval = pick(0, 1) * seconds(1, 90);
    line.unavailable_codes = pick(0, 1) ? std::vector{500, 503} : std::vector{502, 503};
    line.failback = {.enabled = pick(0, 3) > 0,
                     .interval = seconds(1, 120),
                     .unregister_previous = pick(0, 1) == 1};
    line.unregister_on_exit = pick(0, 1) == 1;
    if (pick(0, 1))
      line.test_call = TestCallSettings{.target = "sip:t@x",
                                        .interval = seconds(5, 120),
                                        .duration = seconds(0, 10),
                                        .ring_timeout = seconds(1, 40)};
    return line;
  }

  std::optional<VirtualDriver::Reply> reply(const SendRequest&) {
    std::optional<Outcome> outcome = random_outcome();
    if (!outcome) return std::nullopt;  // silence
    return VirtualDriver::Reply{Millis(pick(0, 3000)), *outcome};
  }

  size_t pick(size_t low, size_t high) {
    return std::uniform_int_distribution<size_t>(low, high)(random_);
  }

 private:
  Millis seconds(size_t low, size_t high) { return Millis(pick(low, high) * 1000); }

  std::optional<Outcome> random_outcome() {
    switch (pick(0, 15)) {
      case 0:
        return std::nullopt;
      case 1:
        return Outcome::response(pick(0, 1) ? 401 : 407);
      case 2:
        return Outcome::response(403);
      case 3: {
        Outcome busy = Outcome::response(503);
        if (pick(0, 1)) busy.retry_after = seconds(1, 300);
        return busy;
      }
      case 4:
        return Outcome::response(180);
      case 5:
        return Outcome::response(100);
      case 6:
        return Outcome::failure(static_cast<TransportError>(pick(0, 4)));
      case 7:
        return Outcome::response(pick(0, 1) ? 486 : 502);
      case 8:
        return Outcome::response(500);
      case 9: {
        Outcome granted = Outcome::response(200);
        granted.expires = seconds(1, 60);
        return granted;
      }
      default:
        return Outcome::response(200);
    }
  }

  std::mt19937 random_;
};

/// A server, or one SRV target of it: "1" or "1@t3:5060;transport=udp".
std::string place(size_t server, const std::optional<Target>& target) {
  return std::to_string(server) + (target ? "@" + target->describe() : "");
}

/// Reads the journal as the engine wrote it, a new part at a time, and
/// reports the first entry that breaks a rule about what goes on the wire.
class JournalChecker {
 public:
  std::optional<std::string> check(const std::vector<JournalEntry>& journal) {
    for (; read_ < journal.size(); ++read_) {
      if (auto* event = std::get_if<Event>(&journal[read_])) {
        if (auto broken = check_time(event->at)) return broken;
        learn(*event);
        continue;
      }
      const WireSend& send = std::get<WireSend>(journal[read_]);
      if (auto broken = check_time(send.at)) return broken;
      if (send.attempt > 0) continue;  // a retransmission of a request already checked
      if (auto broken = check_retry_after(send)) return broken;
      if (auto broken = check_call(send.request)) return broken;
    }
    return std::nullopt;
  }

  bool quiet(const std::string& where, Millis at) const {
    auto found = quiet_until_.find(where);
    return found != quiet_until_.end() && at < found->second;
  }

 private:
  std::optional<std::string> check_time(Millis at) {
    if (at < now_) return "time ran back from " + ms(now_) + " to " + ms(at);
    now_ = at;
    return std::nullopt;
  }

  /// Tracks each server's Retry-After as the engine learnt it.
  void learn(const Event& event) {
    auto* finished = std::get_if<RequestFinished>(&event.what);
    if (!finished) return;
    std::string where = place(finished->server, finished->target);
    if (finished->retry_after) {
      quiet_until_[where] = event.at + *finished->retry_after;
      // A BYE may not go there now: it fails over without going on the wire.
      for (auto& [dialog, call] : calls_)
        if (call.invite_server == where) call.bye_may_move = true;
    }
    if (finished->available) quiet_until_[where] = 0ms;
  }

  std::optional<std::string> check_retry_after(const WireSend& send) const {
    // CANCEL and ACK belong to an INVITE transaction already open at that
    // server, and RFC 3261 sends them nowhere else.
    Purpose purpose = send.request.purpose;
    if (purpose == Purpose::kWalk || purpose == Purpose::kCancel || purpose == Purpose::kAck)
      return std::nullopt;
    std::string where = place(send.request.server, send.request.target);
    if (!quiet(where, send.at)) return std::nullopt;
    return std::string(to_string(purpose)) + " to server " + where + " at " + ms(send.at) +
           " inside its Retry-After";
  }

  /// A call's first BYE goes where its INVITE went (unless that server asked
  /// for quiet since); a call sends each server at most one INVITE (and,
  /// once answered, one BYE), digest answers aside.
  std::optional<std::string> check_call(const SendRequest& request) {
    if (request.method != Method::kInvite && request.method != Method::kBye) return std::nullopt;
    Call& call = calls_[request.dialog];
    bool invite = request.method == Method::kInvite;
    std::string where = place(request.server, request.target);
    if (!invite && call.byes.empty() && where != call.invite_server && !call.bye_may_move)
      return "BYE to server " + where + ", INVITE went to " + call.invite_server;
    if (invite) call.invite_server = where;
    if (invite) call.bye_may_move = false;
    std::set<std::string>& tried = invite ? call.invited : call.byes;
    if (!request.authorize && !tried.insert(where).second)
      return std::string(to_string(request.method)) + " sent to server " + where +
             " twice for one call";
    return std::nullopt;
  }

  static std::string ms(Millis at) { return std::to_string(at.count()) + "ms"; }

  struct Call {
    std::string invite_server;
    std::set<std::string> invited;
    std::set<std::string> byes;
    bool bye_may_move = false;
  };

  size_t read_ = 0;
  Millis now_ = 0ms;
  std::map<std::string, Millis> quiet_until_;
  std::map<DialogId, Call> calls_;
};

/// What must always hold of the line itself.
std::optional<std::string> line_violation(const VirtualDriver& driver) {
  const LineEngine& engine = driver.engine();
  if (driver.timers_running() == 0) return "no timer at all";
  if ((engine.state() == LineState::kRegistered) != engine.registered_server().has_value())
    return "registered_server() disagrees with the state";
  size_t walks = 0;
  size_t refreshes = 0;
  for (const auto& [id, request] : driver.in_flight()) {
    walks += request.purpose == Purpose::kWalk;
    refreshes += request.purpose == Purpose::kRefresh;
  }
  switch (engine.state()) {
    case LineState::kRegistering:
      if (walks != 1) return std::to_string(walks) + " walk requests while registering";
      break;
    case LineState::kRegistered:
      if (!driver.timer_due({TimerKind::kRefresh}) && refreshes == 0)
        return "registered without a refresh to come";
      break;
    case LineState::kUnregistered:
    case LineState::kRejected:
    case LineState::kAuthFailed:
      if (!driver.timer_due({TimerKind::kRegisterRetry})) return "no register retry to come";
      break;
  }
  return std::nullopt;
}

/// Stops the line and checks that it leaves nothing behind but, when asked
/// for, one un-REGISTER to the server (and target) it was registered with.
void stop_and_check(VirtualDriver& driver, const JournalChecker& checker) {
  const LineEngine& engine = driver.engine();
  std::optional<size_t> server = engine.registered_server();
  bool unregister = engine.settings().unregister_on_exit && server &&
                    !checker.quiet(place(*server, engine.registered_target()), driver.now());
  size_t sent = driver.wire().size();
  driver.stop();
  EXPECT_TRUE(engine.stopped());
  ASSERT_EQ(engine.requests_in_flight(), unregister ? 1u : 0u);
  ASSERT_EQ(driver.wire().size(), sent + (unregister ? 1 : 0));
  if (!unregister) return;
  const SendRequest& last = driver.wire().back().request;
  EXPECT_EQ(last.server, *server);
  EXPECT_EQ(last.target, engine.registered_target());
  EXPECT_EQ(last.expires, 0ms);
}

/// 60 random steps of `driver`: time passes, a test call now and then,
/// `extra` (the test's own move), then `violation` and the journal rules
/// are checked; the first broken rule fails the test, naming seed and step.
void run_steps(RandomWorld& world, VirtualDriver& driver, JournalChecker& checker, uint32_t seed,
               const std::function<void()>& extra,
               const std::function<std::optional<std::string>()>& violation) {
  for (int step = 0; step < 60; ++step) {
    driver.advance_by(Millis(world.pick(0, 20'000)));
    if (world.pick(0, 20) == 0) driver.place_test_call();
    extra();
    SCOPED_TRACE("seed " + std::to_string(seed) + ", step " + std::to_string(step) + ", " +
                 to_string(driver.engine().state()));
    ASSERT_EQ(violation(), std::nullopt);
    ASSERT_EQ(checker.check(driver.journal()), std::nullopt);
  }
}

TEST(Randomized, NoLineGetsStuckOrBreaksARuleWhateverTheServersDo) {
  constexpr uint32_t kSequences = 2000;
  for (uint32_t seed = 1; seed <= kSequences; ++seed) {
    RandomWorld world(seed);
    VirtualDriver driver(world.line(),
                         [&world](const SendRequest& r, Millis) { return world.reply(r); });
    JournalChecker checker;
    driver.start();
    auto connect_one = [&] {
      // A TCP/TLS connection comes up (ignored by UDP requests).
      if (!driver.in_flight().empty() && world.pick(0, 3) == 0)
        driver.connected(
            std::next(driver.in_flight().begin(), world.pick(0, driver.in_flight().size() - 1))
                ->first);
    };
    run_steps(world, driver, checker, seed, connect_one,
              [&driver] { return line_violation(driver); });
    if (::testing::Test::HasFailure()) return;
    SCOPED_TRACE("seed " + std::to_string(seed) + ", stop");
    stop_and_check(driver, checker);
    if (::testing::Test::HasFailure()) return;
  }
}

/// 0 to 3 targets from a pool of six, any transport: a set of one server.
std::vector<Target> random_set(RandomWorld& world) {
  std::vector<Target> targets;
  for (size_t count = world.pick(0, 3); targets.size() < count;)
    targets.push_back(Target{"t" + std::to_string(world.pick(0, 5)), 5060,
                             static_cast<Transport>(world.pick(0, 2))});
  return targets;
}

TEST(Randomized, SrvRecordSetsChangingAtAnyMomentBreakNoRule) {
  constexpr uint32_t kSequences = 1000;
  for (uint32_t seed = 1; seed <= kSequences; ++seed) {
    RandomWorld world(seed);
    LineSettings line = world.line();
    VirtualDriver driver(line, [&world](const SendRequest& r, Millis) { return world.reply(r); });
    JournalChecker checker;
    for (size_t server = 0; server < line.servers.size(); ++server)
      driver.set_targets(server, random_set(world));
    driver.start();
    auto change_a_set = [&] {
      if (world.pick(0, 3) == 0)
        driver.set_targets(world.pick(0, line.servers.size() - 1), random_set(world));
    };
    run_steps(world, driver, checker, seed, change_a_set,
              [&driver]() -> std::optional<std::string> {
                // Registration dialogs: one a place of the walk (at most 4 servers of
                // 3 targets), a failback probe and a test call, however sets change.
                if (driver.engine().dialogs() > 14u) return "more than 14 dialogs";
                if (driver.engine().walk_targets().size() > 12u)
                  return "a walk of more than 12 places";
                return line_violation(driver);
              });
    if (::testing::Test::HasFailure()) return;
    SCOPED_TRACE("seed " + std::to_string(seed) + ", stop");
    stop_and_check(driver, checker);
    if (::testing::Test::HasFailure()) return;
  }
}

/// redundancy: concurrent: each server entry either holds a registration
/// with a refresh to come, or has a retry to come (or an attempt out).
std::optional<std::string> concurrent_violation(const VirtualDriver& driver) {
  const LineEngine& engine = driver.engine();
  if ((engine.state() == LineState::kRegistered) != engine.registered_server().has_value())
    return "registered_server() disagrees with the state";
  if (engine.registered_server() && !engine.holds_registration(*engine.registered_server()))
    return "the active server holds no registration";
  for (size_t entry = 0; entry < engine.settings().servers.size(); ++entry) {
    bool attempt_out = false;
    for (const auto& [id, request] : driver.in_flight())
      attempt_out = attempt_out || (request.server == entry && request.method == Method::kRegister);
    if (attempt_out) continue;
    TimerKind next =
        engine.holds_registration(entry) ? TimerKind::kRefresh : TimerKind::kRegisterRetry;
    if (!driver.timer_due({next, entry}))
      return "server " + std::to_string(entry) + " has no " + to_string(next) + " to come";
  }
  return std::nullopt;
}

TEST(Randomized, ConcurrentLinesKeepEveryServersRegistrationWhateverTheServersDo) {
  constexpr uint32_t kSequences = 1000;
  for (uint32_t seed = 1; seed <= kSequences; ++seed) {
    RandomWorld world(seed);
    LineSettings line = world.line();
    line.redundancy = Redundancy::kConcurrent;
    VirtualDriver driver(line, [&world](const SendRequest& r, Millis) { return world.reply(r); });
    JournalChecker checker;
    bool srv = world.pick(0, 1) == 1;
    if (srv)
      for (size_t server = 0; server < line.servers.size(); ++server)
        driver.set_targets(server, random_set(world));
    driver.start();
    auto change_a_set = [&] {
      if (srv && world.pick(0, 3) == 0)
        driver.set_targets(world.pick(0, line.servers.size() - 1), random_set(world));
    };
    run_steps(world, driver, checker, seed, change_a_set,
              [&driver]() -> std::optional<std::string> {
                if (driver.engine().dialogs() > 14u) return "more than 14 dialogs";
                return concurrent_violation(driver);
              });
    if (::testing::Test::HasFailure()) return;
    SCOPED_TRACE("seed " + std::to_string(seed) + ", stop");
    driver.stop();
    EXPECT_TRUE(driver.engine().stopped());
    // Nothing left but the un-REGISTERs asked for, one a server at most.
    size_t left = driver.engine().requests_in_flight();
    EXPECT_LE(left, line.unregister_on_exit ? line.servers.size() : 0u);
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace sipsentry::engine
