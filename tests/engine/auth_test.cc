// spec.md §2: a 401/407 is answered once with credentials; a second
// challenge for the same request means auth_failed.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::two_server_line;

const SendRequest& only_request(const VirtualDriver& driver) {
  EXPECT_EQ(driver.in_flight().size(), 1u);
  return driver.in_flight().begin()->second;
}

TEST(Auth, AChallengeIsAnsweredOnceOnTheSameDialogWithTheNextCSeq) {
  VirtualDriver driver(two_server_line());
  driver.start();
  SendRequest first = only_request(driver);
  EXPECT_FALSE(first.authorize);
  driver.advance_to(20ms);
  driver.respond(first.id, Outcome::response(401));
  SendRequest second = only_request(driver);
  EXPECT_TRUE(second.authorize);
  EXPECT_EQ(second.server, 0u);
  EXPECT_EQ(second.dialog, first.dialog);
  EXPECT_EQ(second.cseq, first.cseq + 1);
  EXPECT_EQ(second.budget, 7500ms);  // a new request, a new budget
  driver.respond(second.id, Outcome::response(200));
  EXPECT_EQ(driver.engine().state(), LineState::kRegistered);
}

TEST(Auth, ProxyChallenge407IsAnsweredToo) {
  VirtualDriver driver(two_server_line());
  driver.start();
  driver.respond(only_request(driver).id, Outcome::response(407));
  EXPECT_TRUE(only_request(driver).authorize);
}

TEST(Auth, ASecondChallengeIsAuthFailedWithoutFailover) {
  VirtualDriver driver(two_server_line());
  driver.start();
  driver.respond(only_request(driver).id, Outcome::response(401));
  driver.respond(only_request(driver).id, Outcome::response(401));
  EXPECT_EQ(driver.engine().state(), LineState::kAuthFailed);
  EXPECT_TRUE(driver.in_flight().empty());  // nothing to the backup
  EXPECT_EQ(driver.timer_due({TimerKind::kRegisterRetry}), 30s);
}

TEST(Auth, AChallengedOptionsProvesTheServerUpWithoutCredentials) {
  LineSettings line = two_server_line();
  line.observe_interval = 60s;
  testing::ScriptedServers servers;
  servers.answer(0, 200);
  servers.answer(1, 401);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(1s);
  std::optional<RequestFinished> options;
  for (const auto& [at, finished] : testing::events_of<RequestFinished>(driver))
    if (finished.method == Method::kOptions) options = finished;
  ASSERT_TRUE(options);
  EXPECT_TRUE(options->available);
  EXPECT_EQ(options->outcome, "4xx");
  EXPECT_EQ(testing::send_times(driver, 1, Method::kOptions).size(),
            1u);  // no second, authorized one
}

}  // namespace
}  // namespace sipsentry::engine
