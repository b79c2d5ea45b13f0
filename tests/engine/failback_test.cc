// spec.md §5: failback to the primary with an independent registration.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::latest_request;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

/// A line that failed over at 0 (the primary answered 503) and is on pbx-b.
struct OnBackup : testing::ScriptedLine {
  explicit OnBackup(LineSettings line = two_server_line())
      : ScriptedLine(std::move(line), {Outcome::response(503), Outcome::response(200)}) {}
};

TEST(Failback, TimerStartsWhenRegisteredOnABackup) {
  OnBackup line;
  EXPECT_EQ(line.driver.engine().registered_server(), 1u);
  EXPECT_EQ(line.driver.timer_due({TimerKind::kFailback}), 1800s);
}

TEST(Failback, ProbeIsAnIndependentRegisterToThePrimaryWithSixtyFourT1) {
  OnBackup line;
  line.servers.silent(0);
  line.driver.advance_to(1800s + 40s);
  Times probe;
  std::optional<SendRequest> request;
  for (const WireSend& send : line.driver.wire())
    if (send.request.purpose == Purpose::kFailbackProbe) {
      probe.push_back(send.at - 1800s);
      request = send.request;
    }
  EXPECT_EQ(probe, (Times{0ms, 500ms, 1500ms, 3500ms, 7500ms, 11500ms, 15500ms, 19500ms, 23500ms,
                          27500ms, 31500ms}));
  ASSERT_TRUE(request);
  EXPECT_EQ(request->server, 0u);
  EXPECT_EQ(request->budget, 32s);
  EXPECT_EQ(request->expires, 3600s);  // a registration, not a removal
  EXPECT_EQ(request->cseq, 1u);        // its own CSeq space
  // Its own Call-ID: neither the primary's first registration nor the backup's.
  for (const WireSend& send : line.driver.wire()) {
    if (send.request.purpose == Purpose::kWalk) {
      EXPECT_NE(send.request.dialog, request->dialog);
    }
  }
}

TEST(Failback, FailedProbeIsRecordedAndTheTimerStartsAgain) {
  OnBackup line;
  line.servers.silent(0);
  line.driver.advance_to(1800s + 32s);
  auto probes = events_of<FailbackProbe>(line.driver);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].first, 1832s);
  EXPECT_EQ(probes[0].second.result, FailbackProbe::Result::kUnavailable);
  EXPECT_EQ(probes[0].second.reason->label(), "timeout");
  EXPECT_EQ(line.driver.engine().registered_server(), 1u);
  EXPECT_EQ(line.driver.timer_due({TimerKind::kFailback}), 1832s + 1800s);
}

TEST(Failback, ARejectedProbeLeavesTheLineOnTheBackup) {
  OnBackup line;
  line.servers.answer(0, 403);
  line.driver.advance_to(1801s);
  EXPECT_EQ(events_of<FailbackProbe>(line.driver).at(0).second.result,
            FailbackProbe::Result::kRejected);
  EXPECT_EQ(line.driver.engine().registered_server(), 1u);
  EXPECT_EQ(line.driver.timer_due({TimerKind::kFailback}), 3600s);
}

TEST(Failback, SuccessfulProbeSwitchesBackAndLeavesTheBackupToExpire) {
  OnBackup line;
  line.servers.answer(0, 200);
  line.driver.advance_to(1801s);
  auto failbacks = events_of<Failback>(line.driver);
  ASSERT_EQ(failbacks.size(), 1u);
  EXPECT_EQ(failbacks[0].first, 1800s);
  EXPECT_EQ(failbacks[0].second.from, 1u);
  EXPECT_EQ(failbacks[0].second.to, 0u);
  EXPECT_EQ(line.driver.engine().registered_server(), 0u);
  EXPECT_FALSE(line.driver.timer_due({TimerKind::kFailback}));
  EXPECT_EQ(send_times(line.driver, 1, Method::kRegister), (Times{0ms}));  // no Expires: 0
}

TEST(Failback, RefreshesAfterFailbackUseTheProbesDialog) {
  OnBackup line;
  line.servers.answer(0, 200);
  line.driver.advance_to(1800s + 3240s + 1s);
  std::vector<SendRequest> to_primary;
  for (const WireSend& send : line.driver.wire())
    if (send.request.server == 0 && send.request.method == Method::kRegister)
      to_primary.push_back(send.request);
  ASSERT_EQ(to_primary.size(), 3u);  // walk, probe, refresh
  EXPECT_EQ(to_primary[2].purpose, Purpose::kRefresh);
  EXPECT_EQ(to_primary[2].dialog, to_primary[1].dialog);
  EXPECT_EQ(to_primary[2].cseq, to_primary[1].cseq + 1);
}

TEST(Failback, UnregisterPreviousSendsExpiresZeroToTheBackup) {
  LineSettings settings = two_server_line();
  settings.failback.unregister_previous = true;
  OnBackup line(settings);
  line.servers.answer(0, 200);
  line.driver.advance_to(1801s);
  const WireSend& last = line.driver.wire().back();
  EXPECT_EQ(last.request.server, 1u);
  EXPECT_EQ(last.request.purpose, Purpose::kUnregister);
  EXPECT_EQ(last.request.expires, 0ms);
  EXPECT_EQ(last.request.dialog,
            line.driver.wire()[1].request.dialog);  // the backup's registration
}

TEST(Failback, AChallengedProbeIsAnsweredOnItsOwnDialogWithTheFullBudget) {
  OnBackup line;
  line.servers.silent(0);  // answered by hand
  line.driver.advance_to(1800s);
  SendRequest probe = latest_request(line.driver);
  ASSERT_EQ(probe.purpose, Purpose::kFailbackProbe);
  line.driver.respond(probe.id, Outcome::response(401));
  SendRequest answer = latest_request(line.driver);
  EXPECT_EQ(answer.purpose, Purpose::kFailbackProbe);
  EXPECT_TRUE(answer.authorize);
  EXPECT_EQ(answer.dialog, probe.dialog);
  EXPECT_EQ(answer.cseq, probe.cseq + 1);
  EXPECT_EQ(answer.budget, 32s);
  line.driver.respond(answer.id, Outcome::response(200));
  EXPECT_EQ(events_of<Failback>(line.driver).at(0).first, 1800s);
  EXPECT_EQ(line.driver.engine().registered_server(), 0u);
}

TEST(Failback, TheTimerRestartsOnEveryRegistrationOnADifferentBackup) {
  LineSettings settings = two_server_line();
  settings.servers.push_back(Server{.name = "pbx-c", .address = "192.0.2.12"});
  settings.keepalive_interval = 30s;
  OnBackup line(settings);
  line.servers.silent(1);  // pbx-b dies; the keep-alive finds out at 37.5 s
  line.servers.answer(2, 200);
  line.driver.advance_to(40s);
  ASSERT_EQ(line.driver.engine().registered_server(), 2u);
  EXPECT_EQ(line.driver.timer_due({TimerKind::kFailback}), 37500ms + 1800s);
}

TEST(Failback, DisabledNeverProbes) {
  LineSettings settings = two_server_line();
  settings.failback.enabled = false;
  OnBackup line(settings);
  line.driver.advance_to(3h);
  EXPECT_TRUE(events_of<FailbackProbe>(line.driver).empty());
  EXPECT_EQ(line.driver.engine().registered_server(), 1u);
}

// Found by the hostile-server soak: every probe was a new dialog the engine
// (and the daemon, which gives each a Call-ID) kept for good, ~257 bytes of
// RSS a probe. A probe that fails ends its dialog.
TEST(Failback, FailedProbesDoNotAccumulateDialogs) {
  OnBackup line;
  line.servers.answer(0, 403);
  line.driver.advance_to(100 * 1800s + 1s);
  EXPECT_EQ(events_of<FailbackProbe>(line.driver).size(), 100u);
  EXPECT_EQ(line.driver.engine().registered_server(), 1u);
  // The primary's first registration and the backup's; no probe's.
  EXPECT_EQ(line.driver.engine().dialogs(), 2u);
}

// A successful probe's dialog becomes the primary's registration; the one
// the primary had before the failover is over. Failing over and back a
// hundred times keeps one dialog a server.
TEST(Failback, FailoverAndFailbackCyclesKeepOneDialogAServer) {
  OnBackup line;
  for (int cycle = 1; cycle <= 100; ++cycle) {
    line.servers.answer(0, 200);
    line.driver.advance_to(line.driver.timer_due({TimerKind::kFailback}).value() + 1ms);
    ASSERT_EQ(line.driver.engine().registered_server(), 0u) << "cycle " << cycle;
    line.servers.answer(0, 503);
    line.driver.advance_to(line.driver.timer_due({TimerKind::kRefresh}).value() + 1ms);
    ASSERT_EQ(line.driver.engine().registered_server(), 1u) << "cycle " << cycle;
  }
  EXPECT_EQ(events_of<Failback>(line.driver).size(), 100u);
  EXPECT_EQ(line.driver.engine().dialogs(), 2u);
}

}  // namespace
}  // namespace sipsentry::engine
