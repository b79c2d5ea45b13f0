// Thousands of random lines against random servers: whatever happens, a line
// always has a timer running (it never gets stuck), its state agrees with its
// registration, and it sends nothing but its register walk to a server inside
// that server's Retry-After.
#include <random>

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
                                    .expires = Millis(pick(5, 120) * 1000)});
    line.timers.t1 = Millis(pick(50, 500));
    line.timers.t2 = line.timers.t1 * pick(1, 8);
    if (pick(0, 1))
      line.retry = {.mode = RetryPolicy::Mode::kPeriod, .period = Millis(pick(100, 5000))};
    else
      line.retry.count = static_cast<int>(pick(0, 4));
    line.register_retry_interval = Millis(pick(1, 60) * 1000);
    line.keepalive_interval = Millis(pick(0, 1) * pick(1, 60) * 1000);
    line.observe_interval = Millis(pick(0, 1) * pick(1, 90) * 1000);
    line.failback = {.enabled = pick(0, 3) > 0,
                     .interval = Millis(pick(1, 120) * 1000),
                     .unregister_previous = pick(0, 1) == 1};
    if (pick(0, 1))
      line.test_call = TestCallSettings{.target = "sip:t@x",
                                        .interval = Millis(pick(5, 120) * 1000),
                                        .duration = Millis(pick(0, 10) * 1000),
                                        .ring_timeout = Millis(pick(1, 40) * 1000)};
    return line;
  }

  std::optional<VirtualDriver::Reply> reply(const SendRequest&) {
    Millis delay(pick(0, 3000));
    switch (pick(0, 10)) {
      case 0:
        return std::nullopt;  // silence
      case 1:
        return VirtualDriver::Reply{delay, Outcome::response(401)};
      case 2:
        return VirtualDriver::Reply{delay, Outcome::response(403)};
      case 3: {
        Outcome busy = Outcome::response(503);
        if (pick(0, 1)) busy.retry_after = Millis(pick(1, 300) * 1000);
        return VirtualDriver::Reply{delay, busy};
      }
      case 4:
        return VirtualDriver::Reply{delay, Outcome::response(180)};
      case 5:
        return VirtualDriver::Reply{delay, Outcome::failure(TransportError::kIcmp)};
      case 6:
        return VirtualDriver::Reply{delay, Outcome::failure(TransportError::kTcpRefused)};
      default:
        return VirtualDriver::Reply{delay, Outcome::response(200)};
    }
  }

  size_t pick(size_t low, size_t high) {
    return std::uniform_int_distribution<size_t>(low, high)(random_);
  }

 private:
  std::mt19937 random_;
};

/// Replays the journal in the engine's order, tracking each server's
/// Retry-After as the engine learnt it, and reports the first request other
/// than a register walk that went to a server inside it.
std::optional<std::string> retry_after_violation(const std::vector<JournalEntry>& journal) {
  std::map<size_t, Millis> quiet_until;
  for (const JournalEntry& entry : journal) {
    if (auto* event = std::get_if<Event>(&entry)) {
      if (auto* finished = std::get_if<RequestFinished>(&event->what)) {
        if (finished->retry_after)
          quiet_until[finished->server] = event->at + *finished->retry_after;
        if (finished->available) quiet_until[finished->server] = 0ms;
      }
      continue;
    }
    const WireSend& send = std::get<WireSend>(entry);
    // CANCEL and ACK belong to an INVITE transaction already open at that
    // server, and RFC 3261 sends them nowhere else.
    Purpose purpose = send.request.purpose;
    if (send.attempt > 0 || purpose == Purpose::kWalk || purpose == Purpose::kCancel ||
        purpose == Purpose::kAck)
      continue;
    if (send.at < quiet_until[send.request.server])
      return std::string(to_string(send.request.purpose)) + " to server " +
             std::to_string(send.request.server) + " at " + std::to_string(send.at.count()) +
             "ms inside its Retry-After";
  }
  return std::nullopt;
}

void check_invariants(VirtualDriver& driver, uint32_t seed, int step) {
  const LineEngine& engine = driver.engine();
  SCOPED_TRACE("seed " + std::to_string(seed) + ", step " + std::to_string(step));
  EXPECT_GT(driver.timers_running(), 0u)
      << "no timer: the line is stuck in " << to_string(engine.state());
  EXPECT_EQ(engine.state() == LineState::kRegistered, engine.registered_server().has_value());
  EXPECT_EQ(retry_after_violation(driver.journal()), std::nullopt);
}

TEST(Randomized, NoLineGetsStuckOrBreaksRetryAfterWhateverTheServersDo) {
  constexpr uint32_t kSequences = 2000;
  constexpr int kSteps = 60;
  for (uint32_t seed = 1; seed <= kSequences; ++seed) {
    RandomWorld world(seed);
    VirtualDriver driver(world.line(),
                         [&world](const SendRequest& r, Millis) { return world.reply(r); });
    driver.start();
    for (int step = 0; step < kSteps; ++step) {
      driver.advance_by(Millis(world.pick(0, 20'000)));
      if (world.pick(0, 20) == 0) driver.place_test_call();
      check_invariants(driver, seed, step);
      if (::testing::Test::HasFailure()) return;
    }
    driver.stop();
    EXPECT_TRUE(driver.engine().stopped());
    EXPECT_EQ(driver.engine().requests_in_flight(),
              driver.engine().settings().unregister_on_exit ? 1u : 0u);
  }
}

}  // namespace
}  // namespace sipsentry::engine
