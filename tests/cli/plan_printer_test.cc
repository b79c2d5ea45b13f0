// `sipsentry plan` prints the engine's own timeline: these tests pin the
// lines an operator reads, computed from the same engine the daemon runs.
#include "cli/plan_printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sipsentry::cli {
namespace {

using namespace engine;

LineSettings reception() {
  LineSettings line;
  line.name = "reception";
  line.servers = {Server{.name = "pbx-a", .address = "192.0.2.10"},
                  Server{.name = "pbx-b", .address = "192.0.2.11", .transport = Transport::kTcp}};
  return line;
}

std::string plan_text(const LineSettings& line, Scenario scenario) {
  std::ostringstream out;
  print_plan(out, line, scenario, run_scenario(line, scenario));
  return out.str();
}

TEST(PlanPrinter, ConcurrentRegistersWithEveryServerAtOnceAndNeverProbes) {
  LineSettings line = reception();
  line.redundancy = Redundancy::kConcurrent;
  std::string text = plan_text(line, Scenario::kPrimarySilent);
  for (const char* expected : {
           "  redundancy concurrent: every server holds its own registration",
           "  0:00:00.000  REGISTER -> pbx-a (registration attempt)\n"
           "  0:00:00.000  REGISTER -> pbx-b (registration attempt)\n"
           "  0:00:00.000  pbx-b answered 200 after 0s\n"
           "  0:00:00.000  pbx-b holds a registration\n",
           "  0:00:07.500  pbx-a unavailable: timeout after 7.5s\n"
           "  0:00:07.500  registered on pbx-b, expires in 3592.5s\n"
           "  0:00:07.500  FAILOVER pbx-a -> pbx-b (REGISTER, timeout, detected in 7.5s)\n",
           // register_retry_interval after its own failure: pbx-a tries again.
           "  0:00:37.500  REGISTER -> pbx-a (registration attempt)\n",
       })
    EXPECT_NE(text.find(expected), std::string::npos) << "missing:\n"
                                                      << expected << "\nin:\n"
                                                      << text;
  EXPECT_EQ(text.find("(failback probe"), std::string::npos) << text;
}

TEST(PlanPrinter, PrimarySilentShowsRetransmissionsFailoverAndAFailedFailbackProbe) {
  std::string text = plan_text(reception(), Scenario::kPrimarySilent);
  for (const char* expected : {
           "  primary pbx-a udp 192.0.2.10:5060, REGISTER budget 7.5s\n",
           "  backup  pbx-b tcp 192.0.2.11:5060, REGISTER budget 32s\n",
           "  0:00:00.000  REGISTER -> pbx-a (walk)\n",
           "  0:00:03.500  REGISTER -> pbx-a (walk, retransmission 3)\n",
           "  0:00:07.500  pbx-a unavailable: timeout after 7.5s\n"
           "  0:00:07.500  REGISTER -> pbx-b (walk)\n"
           "  0:00:07.500  pbx-b answered 200 after 0s\n"
           "  0:00:07.500  registered on pbx-b, expires in 1h\n"
           "  0:00:07.500  FAILOVER pbx-a -> pbx-b (REGISTER, timeout, detected in 7.5s)\n",
           "  0:30:07.500  REGISTER -> pbx-a (failback probe)\n",
           "  0:30:39.000  REGISTER -> pbx-a (failback probe, retransmission 10)\n",
           "  0:30:39.500  failback probe unavailable (timeout); next probe in 30m\n",
           "  1:00:39.500  REGISTER -> pbx-a (failback probe)\n",
       })
    EXPECT_NE(text.find(expected), std::string::npos) << "missing:\n"
                                                      << expected << "\nin:\n"
                                                      << text;
  EXPECT_EQ(text.find("0:00:07.500  REGISTER -> pbx-a (walk, retransmission 4)"),
            std::string::npos);
}

TEST(PlanPrinter, AllSilentShowsTheFailoverFailureAndTheNextWalk) {
  std::string text = plan_text(reception(), Scenario::kAllSilent);
  EXPECT_NE(text.find("  0:00:39.500  FAILOVER FAILED: every server unavailable (last: "
                      "tcp_timeout); walk again in 30s\n"
                      "  0:01:09.500  REGISTER -> pbx-a (walk)\n"),
            std::string::npos)
      << text;
}

TEST(PlanPrinter, KeepaliveAndObservationAreSummarisedNotListed) {
  std::string text = plan_text(reception(), Scenario::kPrimary503);
  EXPECT_NE(text.find("keep-alive OPTIONS every 30s"), std::string::npos);
  EXPECT_NE(text.find("observation OPTIONS every 1m"), std::string::npos);
  EXPECT_EQ(text.find("OPTIONS ->"), std::string::npos) << text;
}

TEST(PlanPrinter, TestCallsAreListedWithTheirServersAndTimes) {
  LineSettings line = reception();
  line.test_call = TestCallSettings{
      .target = "sip:*43@pbx.example.com", .interval = 15min, .duration = 5s, .ring_timeout = 30s};
  std::string text = plan_text(line, Scenario::kPrimarySilent);
  for (const char* expected : {
           "  test call to sip:*43@pbx.example.com every 15m: hold 5s, CANCEL after 30s of "
           "ringing; INVITE budget 7.5s, 32s on the last server (until the first 1xx)\n",
           // The line failed over at 7.5 s: every call goes through the backup.
           "  0:15:00.000  INVITE -> pbx-b (test call)\n"
           "  0:15:00.000  pbx-b answered 200 after 0s\n"
           "  0:15:00.000  ACK -> pbx-b (test call)\n"
           "  0:15:05.000  BYE -> pbx-b (test call)\n"
           "  0:15:05.000  pbx-b answered 200 after 0s\n"
           "  0:15:05.000  test call answered: INVITE via pbx-b, BYE via pbx-b, answered after "
           "0s\n",
           "  1:00:00.000  INVITE -> pbx-b (test call)\n",
       })
    EXPECT_NE(text.find(expected), std::string::npos) << "missing:\n"
                                                      << expected << "\nin:\n"
                                                      << text;
}

TEST(PlanPrinter, ACallWhenEveryServerIsSilentIsUnavailable) {
  LineSettings line = reception();
  line.test_call = TestCallSettings{.target = "sip:*43@pbx.example.com", .interval = 1min};
  std::string text = plan_text(line, Scenario::kAllSilent);
  EXPECT_NE(text.find("  0:01:00.000  test call unavailable\n"), std::string::npos) << text;
}

TEST(PlanPrinter, DurationsReadAsOperatorsWriteThem) {
  EXPECT_EQ(format_duration(7500ms), "7.5s");
  EXPECT_EQ(format_duration(32s), "32s");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(1800s), "30m");
  EXPECT_EQ(format_duration(3600s), "1h");
  EXPECT_EQ(format_duration(1050ms), "1.05s");
  EXPECT_EQ(format_offset(3661500ms), "1:01:01.500");
}

TEST(PlanPrinter, SrvTargetsAreNamedBesideTheirServer) {
  LineSettings line = reception();
  line.servers.resize(1);
  Target a{"a.example.com", 5060, Transport::kUdp}, b{"b.example.com", 5070, Transport::kUdp};
  VirtualDriver driver(line, [&b](const SendRequest& request, Millis) {
    return request.target == b ? std::optional(VirtualDriver::Reply{0ms, Outcome::response(200)})
                               : std::nullopt;
  });
  driver.set_targets(0, {a, b});
  driver.start();
  driver.advance_to(10s);
  std::ostringstream out;
  print_plan(out, line, Scenario::kPrimarySilent, ScenarioRun{driver.journal(), 10s});
  for (const char* expected : {
           "  0:00:00.000  REGISTER -> pbx-a [a.example.com:5060;transport=udp] (walk)\n",
           "  0:00:07.500  pbx-a [a.example.com:5060;transport=udp] unavailable: timeout after "
           "7.5s\n"
           "  0:00:07.500  REGISTER -> pbx-a [b.example.com:5070;transport=udp] (walk)\n",
           "  0:00:07.500  registered on pbx-a [b.example.com:5070;transport=udp], expires in 1h\n"
           "  0:00:07.500  FAILOVER pbx-a [a.example.com:5060;transport=udp] -> pbx-a "
           "[b.example.com:5070;transport=udp] (REGISTER, timeout, detected in 7.5s)\n",
       })
    EXPECT_NE(out.str().find(expected), std::string::npos) << "missing:\n"
                                                           << expected << "\nin:\n"
                                                           << out.str();
}

}  // namespace
}  // namespace sipsentry::cli
