// The line driver in virtual time: what it keeps per dialog stays bounded
// however long the line runs (found by the hostile-server soak: every
// failback probe's Call-ID stayed for good, ~257 bytes of RSS a probe).
#include "daemon/line_driver.h"

#include <gtest/gtest.h>

#include <set>

#include "fake_sip_agent.h"

namespace sipsentry::daemon {
namespace {

using engine::Millis;
using testing::FakeSipAgent;
using namespace std::chrono_literals;

struct NoObserver : EventObserver {
  void on_event(const engine::LineSettings&, const engine::Event&) override {}
  void on_line_added(const engine::LineSettings&) override {}
  void on_line_removed(const std::string&) override {}
};

/// A FakeSipAgent that remembers the Call-IDs the driver ended.
struct EndingAgent : FakeSipAgent {
  void end_call(const std::string& call_id) override { ended.insert(call_id); }
  std::set<std::string> ended;
};

config::LineConfig two_servers() {
  config::LineConfig line;
  line.settings.name = "desk";
  line.settings.user = "1001";
  line.settings.servers = {{.name = "primary", .address = "127.0.0.1"},
                           {.name = "backup", .address = "127.0.0.2"}};
  line.settings.keepalive_interval = 0ms;
  line.settings.observe_interval = 0ms;
  line.settings.failback.interval = 10s;
  return line;
}

TEST(LineDriver, FailedFailbackProbesLeaveNoCallIdBehind) {
  EndingAgent agent;
  NoObserver observer;
  LineDriver driver(agent, two_servers(), observer);
  driver.start();
  agent.answer(0, 503);  // the primary refuses: failover
  agent.answer(1, 200);  // the backup registers the line
  ASSERT_EQ(driver.engine().registered_server(), 1u);

  std::set<std::string> probe_call_ids;
  for (int probe = 0; probe < 100; ++probe) {
    agent.advance(10s);
    size_t last = agent.sent().size() - 1;
    ASSERT_EQ(agent.sent()[last].request.target.host, "127.0.0.1") << "a probe to the primary";
    probe_call_ids.insert(agent.sent()[last].request.call_id);
    agent.answer(last, 403);  // the primary refuses the probe
  }
  EXPECT_EQ(probe_call_ids.size(), 100u) << "each probe is its own dialog";
  for (const std::string& call_id : probe_call_ids)
    EXPECT_TRUE(agent.ended.contains(call_id)) << call_id << " was never ended";
  EXPECT_EQ(driver.dialogs(), 2u);  // the primary's first registration and the backup's
}

TEST(LineDriver, ALineThatGoesEndsItsRegistrationsCallIds) {
  EndingAgent agent;
  NoObserver observer;
  {
    LineDriver driver(agent, two_servers(), observer);
    driver.start();
    agent.answer(0, 401);  // challenged, and removed by a reload before it answers
  }
  EXPECT_TRUE(agent.ended.contains(agent.sent().at(0).request.call_id));
}

TEST(LineDriver, ARequestGoesToItsSrvTargetWithTheServersOtherSettings) {
  FakeSipAgent agent;
  NoObserver observer;
  config::LineConfig line = two_servers();
  line.settings.servers[0] = {.name = "voip", .address = "voip.example.com", .expires = 600s};
  LineDriver driver(agent, line, observer);
  // Resolved before start-up: two targets, the second over TCP.
  driver.set_targets(0, {{"a.example.com", 5070, engine::Transport::kUdp},
                         {"b.example.com", 5080, engine::Transport::kTcp}});
  driver.start();
  ASSERT_EQ(agent.sent().size(), 1u);
  const sip::OutgoingRequest& first = agent.sent()[0].request;
  EXPECT_EQ(first.target, (sip::Target{"a.example.com", 5070, engine::Transport::kUdp}));
  EXPECT_EQ(first.expires, 600s);  // the server entry's expiry
  EXPECT_EQ(first.domain, line.settings.domain);
  agent.answer(0, 503);  // a refuses: the walk goes on to b, the primary's second target
  ASSERT_EQ(agent.sent().size(), 2u);
  EXPECT_EQ(agent.sent()[1].request.target,
            (sip::Target{"b.example.com", 5080, engine::Transport::kTcp}));
  agent.answer(1, 200);
  EXPECT_EQ(driver.engine().registered_target(),
            (engine::Target{"b.example.com", 5080, engine::Transport::kTcp}));
}

}  // namespace
}  // namespace sipsentry::daemon
