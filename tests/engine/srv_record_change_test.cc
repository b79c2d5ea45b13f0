// spec.md §2 "Servers by name" and issue #13: a changed SRV record set takes
// effect at the next walk, failback probe or refresh, never in the middle of
// one, and leaves nothing of the old set behind.
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
using Walk = std::vector<std::pair<size_t, std::optional<Target>>>;

const Target kA = udp_target("a.example.com");
const Target kB = udp_target("b.example.com");
const Target kC = udp_target("c.example.com");
const Target kD = udp_target("d.example.com");

Outcome ok() {
  return Outcome::response(200);
}

TEST(SrvRecordChange, ChangedSetIsAppliedAtTheNextRefreshAndNotBefore) {
  SrvLine line(srv_line(), {{kA, kB}}, {{"a.example.com", ok()}, {"c.example.com", ok()}});
  line.driver.advance_to(100s);
  line.driver.set_targets(0, {kC, kA});  // c now comes first; a stays
  line.driver.advance_to(3239s);
  EXPECT_EQ(line.driver.engine().walk_targets(), (Walk{{0, kA}, {0, kB}}));
  EXPECT_TRUE(sends_to(line.driver, "c.example.com").empty());
  line.driver.advance_to(3241s);
  EXPECT_EQ(line.driver.engine().walk_targets(), (Walk{{0, kC}, {0, kA}}));
  // a is still in the set: the refresh goes there, on its registration.
  auto registers = requests_of(line.driver, Purpose::kWalk);
  auto refreshes = requests_of(line.driver, Purpose::kRefresh);
  ASSERT_EQ(refreshes.size(), 1u);
  EXPECT_EQ(refreshes[0].target, kA);
  EXPECT_EQ(refreshes[0].dialog, registers.at(0).dialog);
  EXPECT_EQ(refreshes[0].cseq, registers.at(0).cseq + 1);
  // On a, no longer the primary's first target, the line is on a backup.
  EXPECT_EQ(line.driver.timer_due({TimerKind::kFailback}), 3240s + 1800s);
  line.driver.advance_to(3240s + 1801s);
  EXPECT_EQ(sends_to(line.driver, "c.example.com", Purpose::kFailbackProbe), (Times{5040s}));
  EXPECT_EQ(line.driver.engine().registered_target(), kC);
}

TEST(SrvRecordChange, ChangedSetIsAppliedAtTheNextFailbackProbe) {
  SrvLine line(srv_line(), {{kA, kB}},
               {{"a.example.com", Outcome::response(503)}, {"b.example.com", ok()}});
  ASSERT_EQ(line.driver.engine().registered_target(), kB);
  line.driver.advance_to(100s);
  line.driver.set_targets(0, {kC, kB});
  line.driver.advance_to(1799s);
  EXPECT_EQ(line.driver.engine().walk_targets(), (Walk{{0, kA}, {0, kB}}));
  line.driver.advance_to(1801s);
  // The probe goes to the new primary's first target, not to a.
  auto probes = requests_of(line.driver, Purpose::kFailbackProbe);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].target, kC);
  EXPECT_TRUE(sends_to(line.driver, "a.example.com", Purpose::kFailbackProbe).empty());
}

TEST(SrvRecordChange, ChangedSetDuringAWalkWaitsForTheNextWalk) {
  SrvLine line(srv_line(), {{kA, kB}}, {});  // every target silent
  line.driver.advance_to(1s);
  line.driver.set_targets(0, {kC});
  line.driver.advance_to(69s);
  // The walk under way goes on with b, still the walk's last target (32 s).
  EXPECT_EQ(requests_of(line.driver, Purpose::kWalk).at(1).target, kB);
  EXPECT_EQ(requests_of(line.driver, Purpose::kWalk).at(1).budget, 32s);
  EXPECT_EQ(events_of<RegisterFailure>(line.driver).at(0).first, 39500ms);
  EXPECT_TRUE(sends_to(line.driver, "c.example.com").empty());
  // The next walk, register_retry_interval later, is on the new set.
  line.driver.advance_to(70s);
  EXPECT_EQ(sends_to(line.driver, "c.example.com", Purpose::kWalk).at(0), 69500ms);
}

TEST(SrvRecordChange, RefreshAfterTheCurrentTargetLeftTheSetWalksFromTheTop) {
  SrvLine line(srv_line(), {{kA, kB}}, {{"a.example.com", ok()}, {"c.example.com", ok()}});
  line.driver.advance_to(100s);
  line.driver.set_targets(0, {kC, kD});
  line.driver.advance_to(3241s);
  // No refresh to a, which left the domain's records: a new registration
  // on the new set's first target, where the line belongs (no failover).
  EXPECT_TRUE(sends_to(line.driver, "a.example.com", Purpose::kRefresh).empty());
  EXPECT_EQ(sends_to(line.driver, "c.example.com", Purpose::kWalk), (Times{3240s}));
  EXPECT_EQ(line.driver.engine().registered_target(), kC);
  EXPECT_TRUE(events_of<Failover>(line.driver).empty());
  EXPECT_FALSE(line.driver.timer_due({TimerKind::kFailback}));
  // a's registration dialog is over; only c's is kept.
  EXPECT_EQ(line.driver.engine().dialogs(), 1u);
}

TEST(SrvRecordChange, ARequestOutWhenItsTargetLeavesIsReportedForThatTarget) {
  LineSettings settings = srv_line(2);
  settings.observe_interval = 60s;
  Outcome short_lived = ok();
  short_lived.expires = 2s;  // a refresh at 1.8 s applies the change
  SrvLine line(settings, {{kA}, {kB, kD}}, {{"a.example.com", short_lived}});
  ASSERT_EQ(sends_to(line.driver, "b.example.com", Purpose::kObserve), (Times{0ms}));
  line.driver.set_targets(1, {kC});
  line.driver.advance_to(2s);
  ASSERT_EQ(line.driver.engine().walk_targets(), (Walk{{0, kA}, {1, kC}}));
  line.driver.advance_to(8s);
  // The OPTIONS to b, out when b left, times out as b's, not as c's.
  std::optional<RequestFinished> observed;
  for (const auto& [at, finished] : events_of<RequestFinished>(line.driver))
    if (finished.method == Method::kOptions) observed = finished;
  ASSERT_TRUE(observed);
  EXPECT_EQ(observed->server, 1u);
  EXPECT_EQ(observed->target, kB);
  EXPECT_EQ(observed->outcome, "timeout");
  line.driver.advance_to(60s);
  EXPECT_EQ(sends_to(line.driver, "c.example.com", Purpose::kObserve), (Times{60s}));
}

TEST(SrvRecordChange, ATargetsRetryAfterOutlastsItsAbsenceFromTheSet) {
  LineSettings settings = srv_line(2);
  settings.observe_interval = 60s;
  Outcome minute = ok(), busy = Outcome::response(503);
  minute.expires = 60s;  // refreshed every 54 s: each refresh applies a change
  busy.retry_after = 600s;
  SrvLine line(settings, {{kA}, {kB, kD}}, {{"a.example.com", minute}, {"b.example.com", busy}});
  line.driver.set_targets(1, {kD});  // b leaves at 54 s …
  line.driver.advance_to(100s);
  line.driver.set_targets(1, {kB, kD});  // … and comes back at 108 s
  line.driver.advance_to(601s);
  // b asked for ten minutes of quiet at 0: no observation before 600 s.
  EXPECT_EQ(sends_to(line.driver, "b.example.com", Purpose::kObserve), (Times{0ms, 600s}));
}

TEST(SrvRecordChange, ManyChangesLeaveOneDialogAndTheNewSetOnly) {
  LineSettings settings = srv_line();
  Outcome minute = ok();
  minute.expires = 60s;  // refreshed every 54 s
  SrvLine line(settings, {{kA}}, {{"a.example.com", minute}});
  for (int i = 0; i < 50; ++i) {
    std::string host = "t" + std::to_string(i) + ".example.com";
    line.servers.set(host, minute);
    line.driver.set_targets(0, {udp_target(host)});
    line.driver.advance_by(54s);
    ASSERT_EQ(line.driver.engine().registered_target(), udp_target(host));
  }
  EXPECT_EQ(line.driver.engine().dialogs(), 1u);
  EXPECT_EQ(line.driver.engine().walk_targets().size(), 1u);
  EXPECT_EQ(line.driver.engine().requests_in_flight(), 0u);
}

TEST(SrvRecordChange, TheFirstSetBeforeStartUpTakesEffectAtOnce) {
  VirtualDriver driver(srv_line());
  driver.set_targets(0, {kA, kB});
  EXPECT_EQ(driver.engine().walk_targets(), (Walk{{0, kA}, {0, kB}}));
  driver.start();
  EXPECT_EQ(driver.wire().at(0).request.target, kA);
}

}  // namespace
}  // namespace sipsentry::engine
