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

/// A line whose primary is a name without a port (resolved by SRV) and
/// whose backup is an address.
config::LineConfig srv_primary() {
  config::LineConfig line = two_servers();
  line.settings.servers[0].address = "pbx.test";
  line.server_names = {{.host = "pbx.test"}, {.host = "127.0.0.2", .port = 5060}};
  return line;
}

resolve::Resolution two_targets(const std::string& first, const std::string& second) {
  return {.names = {{"_sip._udp.pbx.test", engine::Transport::kUdp}},
          .srv = {{"_sip._udp.pbx.test", {{10, 0, 5070, first}, {20, 0, 5080, second}}}},
          .lifetime = 30s};
}

TEST(LineDriver, ALineWithAServerResolvedBySrvStartsOnceItsRecordSetCame) {
  FakeSipAgent agent;
  NoObserver observer;
  LineDriver driver(agent, srv_primary(), observer);
  driver.start();
  EXPECT_TRUE(driver.resolving());
  EXPECT_TRUE(agent.sent().empty()) << "nothing goes to a guessed address";
  ASSERT_EQ(agent.fake_directory().watchers().size(), 1u) << "only the name without a port";

  agent.fake_directory().publish("pbx.test", two_targets("a.pbx.test", "b.pbx.test"));
  EXPECT_FALSE(driver.resolving());
  ASSERT_EQ(agent.sent().size(), 1u);
  EXPECT_EQ(agent.sent()[0].request.target.host, "a.pbx.test");
  EXPECT_EQ(agent.sent()[0].request.target.port, 5070);

  agent.answer(0, 503);  // the first target refuses: the walk goes on to the second
  ASSERT_EQ(agent.sent().size(), 2u);
  EXPECT_EQ(agent.sent()[1].request.target.host, "b.pbx.test");
  EXPECT_EQ(agent.sent()[1].request.target.port, 5080);
}

TEST(LineDriver, AChangedRecordSetReachesTheEngineForItsNextWalk) {
  FakeSipAgent agent;
  NoObserver observer;
  LineDriver driver(agent, srv_primary(), observer);
  driver.start();
  agent.fake_directory().publish("pbx.test", two_targets("a.pbx.test", "b.pbx.test"));
  agent.fake_directory().publish("pbx.test", two_targets("c.pbx.test", "d.pbx.test"));
  // The walk under way keeps its targets: a, b, then the backup refuse.
  for (size_t i = 0; i < 3; ++i) agent.answer(i, 503);
  ASSERT_EQ(agent.sent().size(), 3u);
  EXPECT_EQ(agent.sent()[1].request.target.host, "b.pbx.test");
  agent.advance(driver.line().settings.register_retry_interval);
  ASSERT_EQ(agent.sent().size(), 4u);
  EXPECT_EQ(agent.sent()[3].request.target.host, "c.pbx.test") << "the next walk, on the new set";
}

TEST(LineDriver, ALineStoppedBeforeItsRecordsCameSendsNothingAndStopsWatching) {
  FakeSipAgent agent;
  NoObserver observer;
  {
    LineDriver driver(agent, srv_primary(), observer);
    driver.start();
    driver.stop();
    agent.fake_directory().publish("pbx.test", two_targets("a.pbx.test", "b.pbx.test"));
    EXPECT_TRUE(agent.sent().empty());
  }
  EXPECT_TRUE(agent.fake_directory().watchers().empty());
}

}  // namespace
}  // namespace sipsentry::daemon
