// Test calls on the wire (spec.md §6), as `sipsentry run` places them: a
// line registered with two real Kamailio servers that relay its calls to a
// SIPp callee. Answered through the primary; the primary gone before the
// INVITE (REGISTER to the backup, then the INVITE through it); the primary
// gone between INVITE and BYE (REGISTER to the backup, then the BYE through
// it); and a ring timeout that CANCELs; over UDP and TCP. Then servers that
// record-route: ACK and BYE carry the route set through the server that
// carried the INVITE, and none through the backup after a failover.
// Checked in the events, in the event log, and in what the servers and the
// callee received.
#include <gtest/gtest.h>

#include <regex>

#include "common/udp_port.h"
#include "support/kamailio.h"
#include "support/line_runner.h"
#include "support/sipp.h"

namespace sipsentry::testing {
namespace {

using engine::Millis;
using engine::TestCallFinished;
using namespace std::chrono_literals;

constexpr Millis kRingTimeout = 1500ms;
constexpr Millis kHold = 1500ms;
// How far the CANCEL may reach the callee from the ring timeout the engine
// planned: loopback, two hops, the event loop's timers.
constexpr Millis kRingTolerance = 150ms;

/// The methods of `messages`, in order: "INVITE ACK BYE".
std::string methods_of(const std::vector<ReceivedMessage>& messages) {
  std::string methods;
  for (const ReceivedMessage& message : messages) {
    if (message.start_line.starts_with("SIP/2.0")) continue;
    methods +=
        (methods.empty() ? "" : " ") + message.start_line.substr(0, message.start_line.find(' '));
  }
  return methods;
}

/// Where "received METHOD" first (or last) appears in a Kamailio log.
size_t first_received(const std::string& log, const std::string& method) {
  return log.find("received " + method + " ");
}
size_t last_received(const std::string& log, const std::string& method) {
  return log.rfind("received " + method + " ");
}

class TestCallTest : public ::testing::TestWithParam<engine::Transport> {
 protected:
  /// The callee runs `scenario`; both servers relay calls to it (and
  /// record-route them when asked); the line registers on the primary.
  void start(const std::string& scenario, bool record_route = false) {
    callee_ = std::make_unique<Sipp>(scratch_, "callee", scenario);
    KamailioOptions options{.uas_port = callee_->port(), .record_route = record_route};
    primary_ = std::make_unique<Kamailio>(scratch_, "primary", options);
    backup_ = std::make_unique<Kamailio>(scratch_, "backup", options);
    config::LineConfig line = quiet_line(
        {{"primary", primary_->port(), GetParam()}, {"backup", backup_->port(), GetParam()}},
        {.t1 = 100ms});
    line.password = config::Secret("s3cret");
    line.settings.test_call = engine::TestCallSettings{.target = "sip:echo@127.0.0.1",
                                                       .interval = 1h,
                                                       .duration = kHold,
                                                       .ring_timeout = kRingTimeout};
    runner_ = std::make_unique<LineRunner>(line);
    runner_->start();
    ASSERT_TRUE(runner_->wait_for<engine::Registered>(5s)) << runner_->log();
    ASSERT_EQ(runner_->driver().engine().registered_server(), 0u);
  }

  std::string label() const { return engine::to_string(GetParam()); }
  /// Why a stopped server is unavailable.
  std::string stopped_reason() const {
    return GetParam() == engine::Transport::kUdp ? "icmp" : "tcp_refused";
  }

  std::optional<TestCallFinished> finished_call() {
    return runner_->wait_for<TestCallFinished>(15s);
  }

  /// The INVITE that reached `server` answered 200 (waits for it).
  bool answered_through(size_t server) {
    return runner_
        ->wait_for<engine::RequestFinished>(5s,
                                            [server](const engine::RequestFinished& r) {
                                              return r.method == engine::Method::kInvite &&
                                                     r.status == 200 && r.server == server;
                                            })
        .has_value();
  }

  /// Serves the line until the callee has received `method`.
  bool callee_received(const std::string& method) {
    for (Millis waited = 0ms; waited < 3s; waited += 20ms) {
      if (!callee_->received(method).empty()) return true;
      runner_->run_for(20ms);
    }
    return false;
  }

  /// The call was answered (INVITE through `invite_server`) and hung up
  /// through the backup, after `method` found the stopped primary
  /// unavailable (ICMP, or the connection refused) and the line failed over.
  void expect_answered_after_failover(engine::Method method, size_t invite_server) {
    auto call = finished_call();
    ASSERT_TRUE(call) << what_was_seen();
    EXPECT_EQ(call->result, "answered");
    EXPECT_EQ(call->invite_server, invite_server);
    EXPECT_EQ(call->bye_server, 1u);
    std::optional<engine::Failover> failover;
    for (const engine::Event& event : runner_->events())
      if (auto* found = std::get_if<engine::Failover>(&event.what)) failover = *found;
    ASSERT_TRUE(failover) << runner_->log();
    EXPECT_EQ(failover->method, method);
    EXPECT_EQ(failover->reason.label(), stopped_reason());
    EXPECT_NE(runner_->log().find(std::string("event=failover from=primary to=backup method=") +
                                  engine::to_string(method) + " reason=" + stopped_reason()),
              std::string::npos)
        << runner_->log();
  }

  std::string what_was_seen() const {
    return "\nline:\n" + runner_->log() + "\nprimary:\n" + primary_->log() + "\nbackup:\n" +
           backup_->log() + "\ncallee:\n" + callee_->log();
  }

  ScratchDir scratch_;
  std::unique_ptr<Sipp> callee_;
  std::unique_ptr<Kamailio> primary_, backup_;
  std::unique_ptr<LineRunner> runner_;
};

TEST_P(TestCallTest, AnsweredCallGoesThroughThePrimaryAndIsAckedAndHungUp) {
  start("call_answer.xml");
  runner_->place_test_call();
  auto call = finished_call();
  ASSERT_TRUE(call) << what_was_seen();
  EXPECT_EQ(call->result, "answered");
  EXPECT_EQ(call->invite_server, 0u);
  EXPECT_EQ(call->bye_server, 0u);
  ASSERT_TRUE(call->setup_to_first_18x && call->setup_to_answer);
  EXPECT_GE(*call->setup_to_answer - *call->setup_to_first_18x, 250ms) << "the callee rings 300 ms";
  EXPECT_FALSE(call->cancelled);

  std::vector<ReceivedMessage> seen = callee_->received();
  EXPECT_EQ(methods_of(seen), "INVITE ACK BYE");
  ASSERT_FALSE(seen.empty());
  for (const ReceivedMessage& message : seen) EXPECT_EQ(message.call_id, seen.front().call_id);
  EXPECT_EQ(primary_->received("INVITE", label()), 1);
  EXPECT_EQ(primary_->received("ACK", label()), 1);
  EXPECT_EQ(primary_->received("BYE", label()), 1);
  EXPECT_EQ(backup_->received("INVITE", label()), 0);

  // The offer names an RTP port on the line's address, closed once the call is over.
  std::smatch port;
  std::string invite = seen.front().text;
  EXPECT_NE(invite.find("Content-Type: application/sdp"), std::string::npos) << invite;
  EXPECT_NE(invite.find("c=IN IP4 127.0.0.1"), std::string::npos) << invite;
  ASSERT_TRUE(std::regex_search(invite, port, std::regex("m=audio ([0-9]+) RTP/AVP 0 8")))
      << invite;
  EXPECT_FALSE(udp_port_taken(static_cast<uint16_t>(std::stoi(port[1]))));
  EXPECT_EQ(invite.find("s3cret"), std::string::npos);

  std::string log = runner_->log();
  EXPECT_NE(log.find("event=test_call result=answered invite_server=primary bye_server=primary "
                     "post_dial_delay="),
            std::string::npos)
      << log;
}

TEST_P(TestCallTest, PrimaryStoppedBeforeTheCallRegistersOnTheBackupThenInvitesThroughIt) {
  start("call_answer.xml");
  primary_->stop();
  // Over TCP the line sees the registration's connection close first: a
  // request written on it in the same instant gets no error from Sofia and
  // would be found unavailable only at its budget (`timeout`).
  runner_->run_for(300ms);
  runner_->place_test_call();
  expect_answered_after_failover(engine::Method::kInvite, 1);

  // The backup saw the REGISTER (challenged, then answered) before the INVITE.
  std::string backup = backup_->log();
  ASSERT_NE(first_received(backup, "INVITE"), std::string::npos) << backup;
  EXPECT_LT(last_received(backup, "REGISTER"), first_received(backup, "INVITE")) << backup;
  EXPECT_EQ(methods_of(callee_->received()), "INVITE ACK BYE");
}

TEST_P(TestCallTest, PrimaryStoppedBetweenInviteAndByeRegistersOnTheBackupThenByesThroughIt) {
  start("call_answer.xml");
  runner_->place_test_call();
  ASSERT_TRUE(answered_through(0)) << what_was_seen();
  ASSERT_TRUE(callee_received("ACK")) << what_was_seen();
  primary_->stop();  // during the hold
  expect_answered_after_failover(engine::Method::kBye, 0);

  std::string backup = backup_->log();
  EXPECT_EQ(backup_->received("BYE", label()), 1) << backup;
  EXPECT_EQ(backup_->received("INVITE", label()), 0) << backup;
  EXPECT_LT(last_received(backup, "REGISTER"), first_received(backup, "BYE")) << backup;
  EXPECT_EQ(methods_of(callee_->received()), "INVITE ACK BYE")
      << "the callee got the BYE" << what_was_seen();
}

TEST_P(TestCallTest, RingTimeoutCancelsTheInviteOnTime) {
  start("call_ring.xml");
  runner_->place_test_call();
  auto call = finished_call();
  ASSERT_TRUE(call) << what_was_seen();
  EXPECT_EQ(call->result, "487");
  EXPECT_TRUE(call->cancelled);
  EXPECT_EQ(call->invite_server, 0u);
  EXPECT_FALSE(call->setup_to_answer);
  EXPECT_TRUE(call->setup_to_first_18x);

  // The ACK for the 487 is the proxy's own (hop by hop): it may come after
  // the line has seen the 487.
  EXPECT_TRUE(callee_received("ACK"));
  std::vector<ReceivedMessage> seen = callee_->received();
  EXPECT_EQ(methods_of(seen), "INVITE CANCEL ACK");
  EXPECT_EQ(primary_->received("CANCEL", label()), 1);
  auto invite = std::find_if(seen.begin(), seen.end(), [](auto& m) { return m.is("INVITE"); });
  auto cancel = std::find_if(seen.begin(), seen.end(), [](auto& m) { return m.is("CANCEL"); });
  ASSERT_TRUE(invite != seen.end() && cancel != seen.end());
  // The engine plans the CANCEL at the ring timeout from the INVITE's first send.
  Millis rung = std::chrono::duration_cast<Millis>(cancel->at - invite->at);
  EXPECT_NEAR(rung.count(), kRingTimeout.count(), kRingTolerance.count());
  EXPECT_NE(runner_->log().find("event=test_call result=487 invite_server=primary "
                                "post_dial_delay="),
            std::string::npos)
      << runner_->log();
  EXPECT_NE(runner_->log().find("cancelled=true"), std::string::npos);
}

TEST_P(TestCallTest, ARecordRoutedCallSendsAckAndByeAlongItsRouteSet) {
  start("call_answer.xml", /*record_route=*/true);
  runner_->place_test_call();
  auto call = finished_call();
  ASSERT_TRUE(call) << what_was_seen();
  EXPECT_EQ(call->result, "answered");
  EXPECT_EQ(methods_of(callee_->received()), "INVITE ACK BYE");
  std::string route = "carried Route: <sip:127.0.0.1:" + std::to_string(primary_->port());
  EXPECT_NE(primary_->log().find("ACK " + route), std::string::npos) << primary_->log();
  EXPECT_NE(primary_->log().find("BYE " + route), std::string::npos) << primary_->log();
}

TEST_P(TestCallTest, ARecordRoutedCallsByeThroughTheBackupCarriesNoRouteThroughThePrimary) {
  start("call_answer.xml", /*record_route=*/true);
  runner_->place_test_call();
  ASSERT_TRUE(answered_through(0)) << what_was_seen();
  ASSERT_TRUE(callee_received("ACK")) << what_was_seen();
  primary_->stop();
  expect_answered_after_failover(engine::Method::kBye, 0);
  EXPECT_NE(backup_->log().find("BYE carried Route: <null>"), std::string::npos) << backup_->log();
  EXPECT_EQ(methods_of(callee_->received()), "INVITE ACK BYE") << what_was_seen();
}

INSTANTIATE_TEST_SUITE_P(Transports, TestCallTest,
                         ::testing::Values(engine::Transport::kUdp, engine::Transport::kTcp),
                         [](const auto& info) {
                           return std::string(engine::to_string(info.param));
                         });

}  // namespace
}  // namespace sipsentry::testing
