// A name's addresses are asked once per TTL, not once per request.
#include "resolve/address_cache.h"

#include <gtest/gtest.h>

namespace sipsentry::resolve {
namespace {

using namespace std::chrono_literals;

Answer<Address> addresses(Seconds ttl) {
  return {.records = {{"192.0.2.10", false, ttl}, {"2001:db8::10", true, ttl + 60s}}};
}

TEST(AddressCache, AddressesAreKeptForTheirSmallestTtl) {
  AddressCache cache;
  cache.store("pbx.test", addresses(120s), 1000ms);
  ASSERT_TRUE(cache.find("pbx.test", 120'999ms));
  EXPECT_EQ(cache.find("pbx.test", 120'999ms)->records, addresses(120s).records);
  EXPECT_FALSE(cache.find("pbx.test", 121'000ms));
  EXPECT_FALSE(cache.find("other.test", 1000ms));
}

TEST(AddressCache, ATtlBelowTheFloorIsKeptForTheFloorAndOneAboveTheCeilingForTheCeiling) {
  AddressCache cache;
  cache.store("hosts-file.test", addresses(0s), 0ms);  // /etc/hosts: TTL 0
  EXPECT_TRUE(cache.find("hosts-file.test", kTtlFloor - 1ms));
  EXPECT_FALSE(cache.find("hosts-file.test", kTtlFloor));
  cache.store("days.test", addresses(Seconds(86'400 * 7)), 0ms);
  EXPECT_TRUE(cache.find("days.test", kTtlCeiling - 1ms));
  EXPECT_FALSE(cache.find("days.test", kTtlCeiling));
}

TEST(AddressCache, ANameThatDoesNotExistIsKeptForTheRetryDelay) {
  AddressCache cache({.retry_after_failure = 5s});
  cache.store("missing.test", {.failure = Failure::kNoSuchName}, 0ms);
  cache.store("no-a.test", {.failure = Failure::kNoRecords}, 0ms);
  EXPECT_EQ(cache.find("missing.test", 4999ms)->failure, Failure::kNoSuchName);
  EXPECT_TRUE(cache.find("no-a.test", 4999ms));
  EXPECT_FALSE(cache.find("missing.test", 5000ms));
}

TEST(AddressCache, NoAnswerOrAServerErrorIsNotKeptAndForgetsTheOldAnswer) {
  AddressCache cache;
  cache.store("pbx.test", addresses(300s), 0ms);
  cache.store("pbx.test", {.failure = Failure::kNoResponse}, 1000ms);
  EXPECT_FALSE(cache.find("pbx.test", 1000ms));
  cache.store("pbx.test", {.failure = Failure::kServerFailure}, 1000ms);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(AddressCache, ExpiredEntriesAreDroppedOnceTheCacheGrows) {
  AddressCache cache({.floor = 1s, .ceiling = 1s});
  for (size_t i = 0; i <= AddressCache::kTidyAbove; ++i)
    cache.store("n" + std::to_string(i) + ".test", addresses(1s), 0ms);
  cache.store("late.test", addresses(1s), 2000ms);
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace sipsentry::resolve
