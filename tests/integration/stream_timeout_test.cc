// spec.md §2's two silences over TCP, on real sockets: a connection that is
// never established is `tcp_timeout`, a connection that carries the request
// but no answer is `timeout`; both are decided at the engine's budget, not
// at Sofia-SIP's own 64*T1.
#include <gtest/gtest.h>

#include "engine/budget.h"
#include "support/line_runner.h"
#include "support/scratch.h"
#include "support/stuck_tcp.h"

namespace sipsentry::testing {
namespace {

using engine::Millis;
using namespace std::chrono_literals;

constexpr Millis kBudgetTolerance = 200ms;

class StreamTimeoutTest : public ::testing::TestWithParam<StuckTcpListener::Fault> {
 protected:
  /// The REGISTER to the stuck primary, as the line's engine finished it.
  engine::RequestFinished primary_register() {
    StuckTcpListener primary(GetParam());
    // The backup's closed UDP port ends the walk at once after the primary.
    line_ = quiet_line({{"primary", primary.port(), engine::Transport::kTcp},
                        {"backup", free_port(), engine::Transport::kUdp}},
                       {.t1 = 100ms});
    runner_ = std::make_unique<LineRunner>(line_);
    runner_->start();
    auto finished = runner_->wait_for<engine::RequestFinished>(
        5s, [](const engine::RequestFinished& f) { return f.server == 0; });
    EXPECT_TRUE(finished) << runner_->log();
    return finished.value_or(engine::RequestFinished{});
  }

  Millis planned_budget() const {
    return engine::plan_request(line_.settings, 0, engine::Method::kRegister,
                                engine::BudgetKind::kNonLast)
        .budget;
  }

  config::LineConfig line_;
  std::unique_ptr<LineRunner> runner_;
};

TEST_P(StreamTimeoutTest, TheSilenceIsNamedAndDecidedAtTheBudget) {
  engine::RequestFinished finished = primary_register();
  ASSERT_TRUE(finished.reason) << runner_->log();
  bool never_connected = GetParam() == StuckTcpListener::Fault::kHandshakeNeverCompletes;
  EXPECT_EQ(finished.reason->label(), never_connected ? "tcp_timeout" : "timeout")
      << runner_->log();
  EXPECT_FALSE(finished.available);
  EXPECT_NEAR(finished.duration.count(), planned_budget().count(), kBudgetTolerance.count())
      << "planned budget " << planned_budget().count() << " ms";
}

INSTANTIATE_TEST_SUITE_P(Faults, StreamTimeoutTest,
                         ::testing::Values(StuckTcpListener::Fault::kHandshakeNeverCompletes,
                                           StuckTcpListener::Fault::kConnectedButSilent),
                         [](const auto& info) {
                           return info.param == StuckTcpListener::Fault::kHandshakeNeverCompletes
                                      ? std::string("HandshakeNeverCompletes")
                                      : std::string("ConnectedButSilent");
                         });

}  // namespace
}  // namespace sipsentry::testing
