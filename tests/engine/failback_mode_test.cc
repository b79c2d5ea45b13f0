// failback.mode (spec.md §5): when a line on a backup tries its primary
// again. timer (the seed's) is failback_test.cc's; here the phones' other
// modes: at the registration's refresh, at every new request, and when the
// primary's SRV records expire.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedLine;
using testing::ScriptedServers;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;
using Mode = FailbackSettings::Mode;

const Outcome kOk = Outcome::response(200);

/// Registrations of 600 s (refreshed at 540 s) and the given mode.
LineSettings line_in(Mode mode) {
  LineSettings line = two_server_line();
  for (Server& server : line.servers) server.expires = 600s;
  line.failback.mode = mode;
  return line;
}

/// The primary is silent at start-up: the line registers on the backup at
/// 7.5 s, and refreshes there at 7.5 + 540 = 547.5 s. In the modes that
/// probe the primary at the refresh, the probe leads it by the primary's
/// non-last budget (7.5 s), so that a primary still down leaves the
/// backup's refresh on time.
constexpr Millis kOnBackup = 7500ms;
constexpr Millis kRefresh = kOnBackup + 540s;
constexpr Millis kProbe = kRefresh - 7500ms;

TEST(FailbackMode, RegistrationTriesThePrimaryAtTheRefreshNotBeforeAndMovesBackOn200) {
  ScriptedLine run(line_in(Mode::kRegistration), {std::nullopt, kOk});
  run.driver.advance_to(100s);
  run.servers.answer(0, 200);  // the primary is back long before the refresh
  run.driver.advance_to(kProbe - 1ms);
  EXPECT_EQ(send_times(run.driver, 0, Method::kRegister), (Times{0ms, 500ms, 1500ms, 3500ms}));
  run.driver.advance_to(kRefresh);

  EXPECT_EQ(send_times(run.driver, 0, Method::kRegister).back(), kProbe);
  auto failbacks = events_of<Failback>(run.driver);
  ASSERT_EQ(failbacks.size(), 1u);
  EXPECT_EQ(failbacks[0].first, kProbe);
  EXPECT_EQ(run.driver.engine().registered_server(), 0u);
  // The registration moved: the backup's is not refreshed.
  EXPECT_EQ(send_times(run.driver, 1, Method::kRegister), (Times{kOnBackup}));
}

TEST(FailbackMode, RegistrationRefreshesOnTheBackupOnTimeWhenThePrimaryIsDown) {
  ScriptedLine run(line_in(Mode::kRegistration), {std::nullopt, kOk});
  run.driver.advance_to(kRefresh + 10s);

  // The probe gets the primary's non-last budget (7.5 s), then the refresh
  // goes to the backup on its own registration's dialog, when it was due.
  Times to_primary = send_times(run.driver, 0, Method::kRegister);
  EXPECT_EQ(Times(to_primary.end() - 4, to_primary.end()),
            (Times{kProbe, kProbe + 500ms, kProbe + 1500ms, kProbe + 3500ms}));
  EXPECT_EQ(send_times(run.driver, 1, Method::kRegister), (Times{kOnBackup, kRefresh}));
  const auto& sends = run.driver.wire();
  auto first_on_backup = std::find_if(sends.begin(), sends.end(), [](const WireSend& s) {
    return s.request.server == 1 && s.request.method == Method::kRegister;
  });
  EXPECT_EQ(sends.back().request.dialog, first_on_backup->request.dialog);
  EXPECT_EQ(sends.back().request.purpose, Purpose::kRefresh);
  EXPECT_EQ(run.driver.engine().registered_server(), 1u);
  auto probes = events_of<FailbackProbe>(run.driver);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].second.result, FailbackProbe::Result::kUnavailable);
}

TEST(FailbackMode, RegistrationHasNoFailbackTimer) {
  LineSettings line = line_in(Mode::kRegistration);
  line.failback.interval = 60s;  // would probe at 67.5 s in timer mode
  ScriptedLine run(line, {std::nullopt, kOk});
  run.driver.advance_to(kProbe - 1ms);
  EXPECT_EQ(send_times(run.driver, 0, Method::kRegister).size(), 4u);  // the start-up's only
}

LineSettings calling_line_in(Mode mode) {
  LineSettings line = line_in(mode);
  line.test_call = TestCallSettings{.target = "sip:*43@pbx.example.com", .interval = 15min};
  return line;
}

/// On the backup since start-up, a test call placed at 60 s, when the
/// primary is back or still silent.
struct CallFromTheBackup : ScriptedLine {
  CallFromTheBackup(Mode mode, bool primary_back)
      : ScriptedLine(calling_line_in(mode), {std::nullopt, kOk}) {
    driver.advance_to(60s);
    if (primary_back) servers.answer(0, 200);
    driver.place_test_call();
  }
};

TEST(FailbackMode, NewRequestsSendsATestCallsInviteToThePrimaryFirst) {
  CallFromTheBackup run(Mode::kNewRequests, true);
  run.driver.advance_to(61s);
  EXPECT_EQ(send_times(run.driver, 0, Method::kInvite), (Times{60s}));
  EXPECT_TRUE(send_times(run.driver, 1, Method::kInvite).empty());
  // The registration stays on the backup until its refresh.
  EXPECT_EQ(run.driver.engine().registered_server(), 1u);
}

TEST(FailbackMode, NewRequestsGoesOnThroughTheBackupWhenThePrimaryIsDownWithoutARegisterWalk) {
  CallFromTheBackup run(Mode::kNewRequests, false);
  size_t registers = send_times(run.driver, 0, Method::kRegister).size() +
                     send_times(run.driver, 1, Method::kRegister).size();
  run.driver.advance_to(80s);
  // INVITE's non-last budget on the primary: 0.5 + 1 + 2 + 4 = 7.5 s.
  EXPECT_EQ(send_times(run.driver, 0, Method::kInvite), (Times{60s, 60500ms, 61500ms, 63500ms}));
  EXPECT_EQ(send_times(run.driver, 1, Method::kInvite), (Times{67500ms}));
  EXPECT_EQ(send_times(run.driver, 0, Method::kRegister).size() +
                send_times(run.driver, 1, Method::kRegister).size(),
            registers);
  EXPECT_TRUE(events_of<Failover>(run.driver).size() == 1u);  // the start-up's only
}

TEST(FailbackMode, TimerModeSendsTheInviteThroughTheBackup) {
  CallFromTheBackup run(Mode::kTimer, true);
  run.driver.advance_to(61s);
  EXPECT_TRUE(send_times(run.driver, 0, Method::kInvite).empty());
  EXPECT_EQ(send_times(run.driver, 1, Method::kInvite), (Times{60s}));
}

TEST(FailbackMode, NewRequestsAlsoMovesTheRegistrationBackAtTheRefresh) {
  ScriptedLine run(line_in(Mode::kNewRequests), {std::nullopt, kOk});
  run.driver.advance_to(100s);
  run.servers.answer(0, 200);
  run.driver.advance_to(kRefresh);
  ASSERT_EQ(events_of<Failback>(run.driver).size(), 1u);
  EXPECT_EQ(events_of<Failback>(run.driver)[0].first, kProbe);
}

/// A primary resolved by SRV whose records live `ttl`; silent at start-up.
VirtualDriver dns_ttl_line(ScriptedServers& servers, std::optional<Millis> ttl) {
  LineSettings line = line_in(Mode::kDnsTtl);
  VirtualDriver driver(line, servers.responder());
  servers.answer(1, 200);
  driver.set_targets(0, {Target{"sip1.example.com", 5060, Transport::kUdp}}, ttl);
  driver.start();
  return driver;
}

TEST(FailbackMode, DnsTtlProbesThePrimaryWhenItsRecordsExpire) {
  ScriptedServers servers;
  VirtualDriver driver = dns_ttl_line(servers, 300s);
  driver.advance_to(kOnBackup + 300s - 1ms);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister).size(), 4u);
  servers.answer(0, 200);
  driver.advance_to(kOnBackup + 300s);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister).back(), kOnBackup + 300s);
  EXPECT_EQ(events_of<Failback>(driver).size(), 1u);
}

TEST(FailbackMode, DnsTtlWithoutRecordsIsTheTimer) {
  ScriptedServers servers;
  VirtualDriver driver = dns_ttl_line(servers, std::nullopt);
  driver.advance_to(kOnBackup + 1800s - 1ms);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister).size(), 4u);
  driver.advance_to(kOnBackup + 1800s);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister).back(), kOnBackup + 1800s);
}

}  // namespace
}  // namespace sipsentry::engine
