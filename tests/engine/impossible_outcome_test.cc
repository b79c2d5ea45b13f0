// The engine's edge (line_engine.h, REQUIRES of on_outcome): an outcome the
// network cannot produce is ignored, so that a broken or hostile server's
// answer counts as no answer; and what a granted expiry of 0 or of the most
// RFC 3261 allows means to the line.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::failover_log;
using testing::ScriptedLine;
using testing::two_server_line;
using Log = std::vector<std::string>;

const Outcome kOk = Outcome::response(200);

Outcome granting(Millis expires) {
  Outcome ok = kOk;
  ok.expires = expires;
  return ok;
}

Outcome busy_for(Millis retry_after) {
  Outcome busy = Outcome::response(503);
  busy.retry_after = retry_after;
  return busy;
}

/// The failovers of a start-up where the primary gives `answer` to every
/// REGISTER and the backup answers 200 OK.
Log failovers_when_the_primary_answers(const Outcome& answer) {
  ScriptedLine line(two_server_line(), {answer, kOk});
  line.driver.advance_to(10s);
  return failover_log(line.driver);
}

TEST(ImpossibleOutcome, OnlyStatusesOf100To699OrATransportErrorArePossible) {
  EXPECT_TRUE(Outcome::response(100).possible());
  EXPECT_TRUE(Outcome::response(699).possible());
  EXPECT_TRUE(Outcome::failure(TransportError::kIcmp).possible());
  for (int status : {0, 99, 700, 999, -1}) EXPECT_FALSE(Outcome::response(status).possible());
  Outcome both = Outcome::failure(TransportError::kDns);
  both.status = 503;
  EXPECT_FALSE(both.possible());
}

TEST(ImpossibleOutcome, DurationsAreBoundedAndNeverNegative) {
  EXPECT_TRUE(granting(0ms).possible());
  EXPECT_TRUE(granting(kMaxExpiry).possible());
  EXPECT_FALSE(granting(kMaxExpiry + 1ms).possible());
  EXPECT_FALSE(granting(-1000ms).possible());
  EXPECT_TRUE(busy_for(kMaxRetryAfter).possible());
  EXPECT_FALSE(busy_for(kMaxRetryAfter + 1ms).possible());
  EXPECT_FALSE(busy_for(-1ms).possible());
}

TEST(ImpossibleOutcome, AStatusOutOfRangeCountsAsNoAnswer) {
  // Ignored, the primary is silent: its budget runs out at 7.5 s.
  EXPECT_EQ(failovers_when_the_primary_answers(Outcome::response(700)),
            (Log{"7500ms 0->1 REGISTER timeout detected in 7500ms"}));
}

TEST(ImpossibleOutcome, AnExpiryBeyondTheLimitCountsAsNoAnswer) {
  EXPECT_EQ(failovers_when_the_primary_answers(granting(kMaxExpiry + 1s)),
            (Log{"7500ms 0->1 REGISTER timeout detected in 7500ms"}));
  EXPECT_EQ(failovers_when_the_primary_answers(granting(-1s)),
            (Log{"7500ms 0->1 REGISTER timeout detected in 7500ms"}));
}

TEST(ImpossibleOutcome, ARetryAfterBeyondTheLimitCountsAsNoAnswer) {
  EXPECT_EQ(failovers_when_the_primary_answers(busy_for(kMaxRetryAfter + 1s)),
            (Log{"7500ms 0->1 REGISTER timeout detected in 7500ms"}));
}

TEST(GrantedExpiry, ZeroIsTakenAsTheExpiryAskedFor) {
  // Refreshing at once would be a REGISTER storm on a server that said 200.
  ScriptedLine line(two_server_line(), {granting(0ms)});
  auto registered = events_of<Registered>(line.driver);
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_EQ(registered[0].second.expires, 3600s);
  line.driver.advance_to(3241s);
  EXPECT_EQ(testing::send_times(line.driver, 0, Method::kRegister),
            (std::vector<Millis>{0ms, 3240s}));
}

TEST(GrantedExpiry, TheMostRfc3261AllowsIsHonoured) {
  ScriptedLine line(two_server_line(), {granting(kMaxExpiry)});
  auto registered = events_of<Registered>(line.driver);
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_EQ(registered[0].second.expires, kMaxExpiry);
  line.driver.advance_to(24h);
  EXPECT_EQ(testing::send_times(line.driver, 0, Method::kRegister), (std::vector<Millis>{0ms}));
}

}  // namespace
}  // namespace sipsentry::engine
