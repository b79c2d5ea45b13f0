// When records are resolved again: their TTL, within the floor and ceiling.
#include "resolve/cache_policy.h"

#include <gtest/gtest.h>

namespace sipsentry::resolve {
namespace {

using namespace std::chrono_literals;

Answer<SrvRecord> srv_with_ttls(std::vector<Seconds> ttls) {
  Answer<SrvRecord> answer;
  for (Seconds ttl : ttls) answer.records.push_back({0, 0, 5060, "pbx.test", ttl});
  return answer;
}

TEST(CachePolicy, TheSmallestTtlDecides) {
  EXPECT_EQ(answer_lifetime(srv_with_ttls({300s, 120s, 600s})), 120s);
}

TEST(CachePolicy, ShortTtlsAndHostsEntriesWaitForTheFloor) {
  EXPECT_EQ(answer_lifetime(srv_with_ttls({0s})), kTtlFloor);
  EXPECT_EQ(answer_lifetime(srv_with_ttls({5s})), kTtlFloor);
}

TEST(CachePolicy, LongTtlsAreCutToTheCeiling) {
  EXPECT_EQ(answer_lifetime(srv_with_ttls({Seconds(86400 * 7)})), kTtlCeiling);
}

TEST(CachePolicy, AFailureIsTriedAgainAfterTheFloorNotTenMinutes) {
  Answer<Address> failed{.failure = Failure::kNoSuchName};
  EXPECT_EQ(answer_lifetime(failed), 30s);
}

TEST(CachePolicy, DueAgainOnceTheLifetimeHasPassed) {
  EXPECT_FALSE(due_again(129'999ms, 10'000ms, 120s));
  EXPECT_TRUE(due_again(130'000ms, 10'000ms, 120s));
}

}  // namespace
}  // namespace sipsentry::resolve
