// A line between two real Kamailio registrars with digest auth, as
// `sipsentry run` drives it (spec.md §2, §4, §5): registered on the
// primary; the primary stops and the next keep-alive finds it unavailable
// (icmp over UDP, tcp_refused over TCP and TLS), so the line fails over to
// the backup; the primary comes back and the failback probe, sent the
// configured interval after the switch, moves the line home. Checked in the
// events, in the event log, and in what each server received.
#include <gtest/gtest.h>

#include "support/kamailio.h"
#include "support/line_runner.h"
#include "support/tls_files.h"

namespace sipsentry::testing {
namespace {

using engine::Millis;
using engine::Transport;
using namespace std::chrono_literals;

constexpr Millis kFailbackInterval = 3s;

class KamailioFailoverTest : public ::testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    KamailioOptions options;
    if (GetParam() == Transport::kTls) {
      tls_ = make_tls_files(scratch_);
      options.tls_certificate = tls_.server_certificate;
      options.tls_key = tls_.server_key;
    }
    primary_ = std::make_unique<Kamailio>(scratch_, "primary", options);
    backup_ = std::make_unique<Kamailio>(scratch_, "backup", options);
  }

  uint16_t port_of(const Kamailio& server) const {
    return GetParam() == Transport::kTls ? server.tls_port() : server.port();
  }

  config::LineConfig line() const {
    config::LineConfig line = quiet_line(
        {{"primary", port_of(*primary_), GetParam()}, {"backup", port_of(*backup_), GetParam()}},
        {.t1 = 100ms});
    line.password = config::Secret("s3cret");
    line.tls.ca_file = tls_.ca_certificate;
    line.settings.keepalive_interval = 1s;
    line.settings.failback = {.enabled = true, .interval = kFailbackInterval};
    return line;
  }

  /// When the line registered on `server`, the last time it did.
  std::optional<Millis> registered_at(size_t server) const {
    std::optional<Millis> at;
    for (const engine::Event& event : runner_->events())
      if (auto* registered = std::get_if<engine::Registered>(&event.what))
        if (registered->server == server && !registered->refresh) at = event.at;
    return at;
  }

  std::string label() const { return engine::to_string(GetParam()); }

  ScratchDir scratch_;
  TlsFiles tls_;
  std::unique_ptr<Kamailio> primary_, backup_;
  std::unique_ptr<LineRunner> runner_;
};

TEST_P(KamailioFailoverTest, FailsOverWhenThePrimaryStopsAndFailsBackWhenItReturns) {
  runner_ = std::make_unique<LineRunner>(line());
  runner_->start();
  ASSERT_TRUE(runner_->wait_for<engine::Registered>(5s)) << runner_->log();
  ASSERT_TRUE(registered_at(0)) << "registered on the primary first\n" << runner_->log();

  primary_->stop();
  auto failover = runner_->wait_for<engine::Failover>(5s);
  ASSERT_TRUE(failover) << runner_->log();
  EXPECT_EQ(failover->method, engine::Method::kOptions) << "found by the keep-alive";
  EXPECT_EQ(failover->reason.label(), GetParam() == Transport::kUdp ? "icmp" : "tcp_refused");
  EXPECT_LT(failover->detection, 200ms) << "unavailable at once, not at the budget";
  std::optional<Millis> on_backup = registered_at(1);
  ASSERT_TRUE(on_backup) << runner_->log();

  primary_->start();
  auto failback = runner_->run_until(
      [](const engine::Event& e) { return std::holds_alternative<engine::Failback>(e.what); },
      kFailbackInterval + 3s);
  ASSERT_TRUE(failback) << runner_->log();
  EXPECT_NEAR(failback->at.count(), (*on_backup + kFailbackInterval).count(), 300)
      << "the probe goes the configured interval after the switch";
  EXPECT_EQ(runner_->driver().engine().registered_server(), 0u);

  // What the servers saw: each a REGISTER challenged, then answered.
  EXPECT_GE(backup_->received("REGISTER", label()), 2) << backup_->log();
  EXPECT_GE(primary_->received("REGISTER", label()), 4) << "start-up, then the failback probe";
  std::string log = runner_->log();
  EXPECT_NE(log.find("event=failover from=primary to=backup method=OPTIONS reason=" +
                     failover->reason.label()),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("event=failback from=backup to=primary"), std::string::npos) << log;
  EXPECT_EQ(log.find("s3cret"), std::string::npos) << "the password never reaches the log";
}

INSTANTIATE_TEST_SUITE_P(Transports, KamailioFailoverTest,
                         ::testing::Values(Transport::kUdp, Transport::kTcp, Transport::kTls),
                         [](const auto& info) {
                           return std::string(engine::to_string(info.param));
                         });

}  // namespace
}  // namespace sipsentry::testing
