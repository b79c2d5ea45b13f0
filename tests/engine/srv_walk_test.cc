// spec.md §2 "Servers by name", §3–§5, §7: a server resolved by SRV puts its
// targets, in SRV order, in the line's walk, as a desk phone's DNS SRV
// failover does.
#include "srv_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::requests_of;
using testing::sends_to;
using testing::srv_line;
using testing::SrvLine;
using testing::udp_target;
using Times = std::vector<Millis>;

const Target kA = udp_target("a.example.com");
const Target kB = udp_target("b.example.com", 5070);

std::vector<Millis> budgets(const std::vector<SendRequest>& requests) {
  std::vector<Millis> found;
  for (const SendRequest& request : requests) found.push_back(request.budget);
  return found;
}

TEST(SrvWalk, SilentFirstTargetFailsOverToTheSecondAfterTheNonLastBudget) {
  // _sip._udp.voip0: priority 10 a.example.com (silent), priority 20 b.example.com.
  SrvLine line(srv_line(), {{kA, kB}}, {{"b.example.com", Outcome::response(200)}});
  line.driver.advance_to(10s);
  EXPECT_EQ(sends_to(line.driver, "a.example.com"), (Times{0ms, 500ms, 1500ms, 3500ms}));
  EXPECT_EQ(sends_to(line.driver, "b.example.com"), (Times{7500ms}));
  EXPECT_EQ(line.driver.engine().registered_server(), 0u);
  EXPECT_EQ(line.driver.engine().registered_target(), kB);
  auto failovers = events_of<Failover>(line.driver);
  ASSERT_EQ(failovers.size(), 1u);
  EXPECT_EQ(failovers[0].first, 7500ms);
  EXPECT_EQ(failovers[0].second.from, 0u);
  EXPECT_EQ(failovers[0].second.to, 0u);
  EXPECT_EQ(failovers[0].second.from_target, kA);
  EXPECT_EQ(failovers[0].second.to_target, kB);
  EXPECT_EQ(failovers[0].second.reason.label(), "timeout");
  EXPECT_EQ(failovers[0].second.detection, 7500ms);
}

TEST(SrvWalk, OnlyTheLinesVeryLastTargetGetsTheLastBudget) {
  Target c = udp_target("c.example.com"), d = udp_target("d.example.com");
  // Both servers by SRV: only d, the last target of the last server, waits 64*T1.
  SrvLine both(srv_line(2), {{kA, kB}, {c, d}}, {});
  both.driver.advance_to(60s);
  EXPECT_EQ(budgets(requests_of(both.driver, Purpose::kWalk)),
            (Times{7500ms, 7500ms, 7500ms, 32s}));
  // The primary by SRV, the backup as configured: the primary's last target
  // has a successor, so it gets the non-last budget too.
  SrvLine first(srv_line(2), {{kA, kB}}, {});
  first.driver.advance_to(60s);
  EXPECT_EQ(budgets(requests_of(first.driver, Purpose::kWalk)), (Times{7500ms, 7500ms, 32s}));
  EXPECT_EQ(requests_of(first.driver, Purpose::kWalk).back().target, std::nullopt);
}

TEST(SrvWalk, ATargetsOwnTransportDecidesItsRetransmissions) {
  Target tcp{"a.example.com", 5060, Transport::kTcp};
  SrvLine line(srv_line(), {{tcp, kB}}, {});
  line.driver.advance_to(7s);
  // Over TCP nothing is retransmitted: the non-last budget is a plain wait.
  EXPECT_EQ(sends_to(line.driver, "a.example.com"), (Times{0ms}));
  line.driver.advance_to(8s);
  EXPECT_EQ(events_of<RequestFinished>(line.driver).at(0).second.outcome, "tcp_timeout");
}

TEST(SrvWalk, FailbackProbesThePrimarysFirstTargetAndMovesBack) {
  // On the primary's second target the line is on a backup.
  SrvLine line(
      srv_line(2), {{kA, kB}},
      {{"a.example.com", Outcome::response(503)}, {"b.example.com", Outcome::response(200)}});
  ASSERT_EQ(line.driver.engine().registered_target(), kB);
  EXPECT_FALSE(line.driver.engine().on_primary());
  EXPECT_EQ(line.driver.timer_due({TimerKind::kFailback}), 1800s);
  line.servers.answer("a.example.com", 200);
  line.driver.advance_to(1801s);
  auto probes = requests_of(line.driver, Purpose::kFailbackProbe);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].target, kA);
  EXPECT_EQ(probes[0].budget, 32s);
  auto failbacks = events_of<Failback>(line.driver);
  ASSERT_EQ(failbacks.size(), 1u);
  EXPECT_EQ(failbacks[0].first, 1800s);
  EXPECT_EQ(failbacks[0].second.from_target, kB);
  EXPECT_EQ(failbacks[0].second.to_target, kA);
  EXPECT_EQ(line.driver.engine().registered_target(), kA);
  EXPECT_TRUE(line.driver.engine().on_primary());
  EXPECT_FALSE(line.driver.timer_due({TimerKind::kFailback}));
}

TEST(SrvWalk, RegisteredSaysWhetherTheLineIsOnThePrimarysFirstTarget) {
  SrvLine line(
      srv_line(2), {{kA, kB}},
      {{"a.example.com", Outcome::response(503)}, {"b.example.com", Outcome::response(200)}});
  line.servers.answer("a.example.com", 200);
  line.driver.advance_to(1801s);
  auto registered = events_of<Registered>(line.driver);
  ASSERT_EQ(registered.size(), 2u);
  // On b, the primary's second target: server 0, but not where it belongs.
  EXPECT_EQ(registered[0].second.server, 0u);
  EXPECT_FALSE(registered[0].second.on_primary);
  EXPECT_EQ(registered[1].second.target, kA);
  EXPECT_TRUE(registered[1].second.on_primary);
}

TEST(SrvWalk, RefreshAndKeepaliveGoToTheTargetTheLineRegisteredWith) {
  LineSettings settings = srv_line();
  settings.keepalive_interval = 30s;
  SrvLine line(
      settings, {{kA, kB}},
      {{"a.example.com", Outcome::response(503)}, {"b.example.com", Outcome::response(200)}});
  line.driver.advance_to(3241s);
  EXPECT_EQ(sends_to(line.driver, "b.example.com", Purpose::kRefresh), (Times{3240s}));
  EXPECT_EQ(sends_to(line.driver, "b.example.com", Purpose::kKeepalive).size(), 108u);
  EXPECT_TRUE(sends_to(line.driver, "a.example.com", Purpose::kKeepalive).empty());
}

TEST(SrvWalk, EventsNameTheTargetAndTheConfiguredServer) {
  SrvLine line(srv_line(), {{kA, kB}}, {{"a.example.com", Outcome::response(200)}});
  auto registered = events_of<Registered>(line.driver);
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_EQ(registered[0].second.server, 0u);
  EXPECT_EQ(registered[0].second.target, kA);
  auto finished = events_of<RequestFinished>(line.driver);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].second.server, 0u);
  EXPECT_EQ(finished[0].second.target, kA);
}

TEST(SrvWalk, AServerWithoutTargetsIsSentAndReportedAsConfigured) {
  // An empty set is "no SRV": the entry itself, and no target anywhere.
  SrvLine line(srv_line(), {{}}, {{"voip0.example.com", Outcome::response(200)}});
  EXPECT_EQ(line.driver.wire().at(0).request.target, std::nullopt);
  EXPECT_EQ(events_of<Registered>(line.driver).at(0).second.target, std::nullopt);
  EXPECT_EQ(line.driver.engine().walk_targets(),
            (std::vector<std::pair<size_t, std::optional<Target>>>{{0, std::nullopt}}));
}

TEST(SrvWalk, ObservationStaysOnePerConfiguredServer) {
  LineSettings settings = srv_line(2);
  settings.observe_interval = 60s;
  std::vector<Target> primary, backup;
  for (int i = 0; i < 3; ++i) primary.push_back(udp_target("a" + std::to_string(i)));
  for (int i = 0; i < 4; ++i) backup.push_back(udp_target("b" + std::to_string(i)));
  SrvLine line(settings, {primary, backup}, {{"a0", Outcome::response(200)}});
  line.driver.advance_to(61s);
  // On a0: each interval one OPTIONS to the backup server's first target,
  // none to a0's fellow targets nor to b1…b3.
  std::vector<SendRequest> observed = requests_of(line.driver, Purpose::kObserve);
  ASSERT_EQ(observed.size(), 2u);
  for (const SendRequest& request : observed) {
    EXPECT_EQ(request.server, 1u);
    EXPECT_EQ(request.target, backup[0]);
  }
}

TEST(SrvWalk, OnTheSecondTargetTheFirstOneIsObserved) {
  LineSettings settings = srv_line();
  settings.observe_interval = 60s;
  SrvLine line(
      settings, {{kA, kB}},
      {{"a.example.com", Outcome::response(503)}, {"b.example.com", Outcome::response(200)}});
  line.driver.advance_to(61s);
  // The first observation at 0 found a busy (the walk was out there); at 60 s
  // the line is on b, and a is the server it is not on.
  EXPECT_EQ(sends_to(line.driver, "a.example.com", Purpose::kObserve), (Times{60s}));
  EXPECT_TRUE(sends_to(line.driver, "b.example.com", Purpose::kObserve).empty());
}

TEST(SrvWalk, MoreThanEightTargetsAreCutToTheFirstEight) {
  // The caller's contract is at most kMaxTargetsPerEntry (the resolver's
  // kMaxTargetsPerServer); a longer list does not make the walk longer.
  std::vector<Target> ten;
  for (int i = 0; i < 10; ++i) ten.push_back(udp_target("t" + std::to_string(i)));
  SrvLine line(srv_line(), {ten}, {});
  auto walk = line.driver.engine().walk_targets();
  ASSERT_EQ(walk.size(), kMaxTargetsPerEntry);
  EXPECT_EQ(walk.back().second, ten[7]);
}

TEST(SrvWalk, RetryAfterHoldsBackOnlyTheTargetThatSentIt) {
  LineSettings settings = srv_line(2);
  settings.observe_interval = 60s;
  settings.keepalive_interval = 30s;
  Outcome busy = Outcome::response(503);
  busy.retry_after = 600s;
  Target c = udp_target("c.example.com");
  SrvLine line(settings, {{kA, kB}, {c}},
               {{"a.example.com", busy},
                {"b.example.com", Outcome::response(200)},
                {"c.example.com", Outcome::response(200)}});
  line.driver.advance_to(121s);
  // a asked for quiet: no observation goes there until 600 s; b, a target
  // of the same server, takes keep-alives, and c is observed as usual.
  EXPECT_EQ(sends_to(line.driver, "a.example.com", Purpose::kObserve), (Times{}));
  EXPECT_EQ(sends_to(line.driver, "b.example.com", Purpose::kKeepalive),
            (Times{30s, 60s, 90s, 120s}));
  EXPECT_EQ(sends_to(line.driver, "c.example.com", Purpose::kObserve), (Times{0ms, 60s, 120s}));
  EXPECT_EQ(line.driver.engine().retry_after_until(0), 600s);
  line.driver.advance_to(601s);
  EXPECT_EQ(sends_to(line.driver, "a.example.com", Purpose::kObserve), (Times{600s}));
}

TEST(SrvWalk, ATestCallsInviteFailsOverToTheNextTarget) {
  LineSettings settings = srv_line();
  settings.test_call = TestCallSettings{.target = "sip:*43@voip0.example.com"};
  SrvLine line(
      settings, {{kA, kB}},
      {{"a.example.com", Outcome::response(200)}, {"b.example.com", Outcome::response(200)}});
  line.servers.set("a.example.com", std::nullopt);  // a goes silent
  line.driver.place_test_call();
  line.driver.advance_to(60s);
  auto invites = requests_of(line.driver, Purpose::kInvite);
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_EQ(invites[0].target, kA);
  EXPECT_EQ(invites[1].target, kB);
  EXPECT_EQ(requests_of(line.driver, Purpose::kWalk).back().target, kB);
  EXPECT_EQ(requests_of(line.driver, Purpose::kBye).at(0).target, kB);
  EXPECT_EQ(events_of<TestCallFinished>(line.driver).at(0).second.result, "answered");
}

}  // namespace
}  // namespace sipsentry::engine
