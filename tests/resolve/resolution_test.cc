// A record set: compared without TTLs nor the order the DNS server sent
// it in, its lifetime within the floor and ceiling, and its targets.
#include "resolve/resolution.h"

#include <gtest/gtest.h>

namespace sipsentry::resolve {
namespace {

using engine::Millis;
using engine::Transport;
using namespace std::chrono_literals;

const ServerName kServer{.host = "srv.test"};

Resolution two_targets(Seconds ttl) {
  return Resolution{
      .naptr = {{10, 50, "s", "SIP+D2U", "", "_sip._udp.srv.test", ttl}},
      .names = {{"_sip._udp.srv.test", Transport::kUdp}},
      .srv = {{"_sip._udp.srv.test",
               {{10, 100, 25060, "pbx.test", ttl}, {20, 50, 25061, "backup.test", ttl}}}}};
}

TEST(Resolution, TheSameRecordsWithOtherTtlsAreTheSameSet) {
  EXPECT_TRUE(same_records(two_targets(Seconds(7)), two_targets(Seconds(3600))));
}

TEST(Resolution, TheSameRecordsInAnotherOrderAreTheSameSet) {
  Resolution rotated = two_targets(Seconds(7));
  auto& records = rotated.srv["_sip._udp.srv.test"];
  std::swap(records[0], records[1]);
  EXPECT_TRUE(same_records(two_targets(Seconds(7)), rotated));
}

TEST(Resolution, AnyChangedFieldOfARecordIsAnotherSet) {
  Resolution base = two_targets(Seconds(7));
  for (int field = 0; field < 4; ++field) {
    Resolution changed = base;
    SrvRecord& record = changed.srv["_sip._udp.srv.test"][1];
    if (field == 0) record.priority = 30;
    if (field == 1) record.weight = 10;
    if (field == 2) record.port = 25062;
    if (field == 3) record.target = "other.test";
    EXPECT_FALSE(same_records(base, changed)) << "field " << field;
  }
  Resolution fewer = base;
  fewer.srv["_sip._udp.srv.test"].pop_back();
  EXPECT_FALSE(same_records(base, fewer));
  Resolution other_naptr = base;
  other_naptr.naptr[0].preference = 60;
  EXPECT_FALSE(same_records(base, other_naptr));
  Resolution other_name = base;
  other_name.names.push_back({"_sip._tcp.srv.test", Transport::kTcp});
  EXPECT_FALSE(same_records(base, other_name));
}

TEST(Resolution, AFailedLookupIsNoRecordSet) {
  Resolution failed{.failed = true, .error = "no DNS server answered"};
  EXPECT_FALSE(same_records(two_targets(Seconds(7)), failed));
  EXPECT_TRUE(same_records(failed, Resolution{.failed = true, .error = "another reason"}));
}

TEST(Resolution, LivesForItsSmallestTtlWithinTheFloorAndCeiling) {
  RefreshPolicy policy;
  Resolution resolution = two_targets(Seconds(120));
  resolution.srv["_sip._udp.srv.test"][1].ttl = Seconds(90);
  EXPECT_EQ(smallest_ttl(resolution), Seconds(90));
  EXPECT_EQ(record_set_lifetime(resolution, policy), 90s);
  EXPECT_EQ(record_set_lifetime(two_targets(Seconds(0)), policy), kTtlFloor);
  EXPECT_EQ(record_set_lifetime(two_targets(Seconds(86400)), policy), kTtlCeiling);
  EXPECT_EQ(record_set_lifetime(Resolution{}, policy), kTtlFloor);  // no records at all
  EXPECT_EQ(record_set_lifetime(Resolution{.failed = true}, policy), kRetryAfterFailure);
  policy.floor = 1s;  // as the integration tests shorten it
  EXPECT_EQ(record_set_lifetime(two_targets(Seconds(2)), policy), 2s);
}

TEST(Resolution, TargetsInSrvOrderWithAFixedDraw) {
  Resolution resolution = two_targets(Seconds(7));
  resolution.srv["_sip._udp.srv.test"].push_back({10, 300, 25070, "heavy.test", Seconds(7)});
  // Draw 0 picks the first record of a priority whose running sum reaches
  // it: pbx.test (100) first; the highest draw picks the last: heavy.test.
  EXPECT_EQ(targets_of(kServer, resolution, [](uint32_t) { return 0u; }),
            (std::vector<ServiceTarget>{{"pbx.test", 25060, Transport::kUdp},
                                        {"heavy.test", 25070, Transport::kUdp},
                                        {"backup.test", 25061, Transport::kUdp}}));
  EXPECT_EQ(targets_of(kServer, resolution, [](uint32_t bound) { return bound; }),
            (std::vector<ServiceTarget>{{"heavy.test", 25070, Transport::kUdp},
                                        {"pbx.test", 25060, Transport::kUdp},
                                        {"backup.test", 25061, Transport::kUdp}}));
}

TEST(Resolution, AtMostEightTargetsFromALargeSet) {
  Resolution resolution{.names = {{"_sip._udp.srv.test", Transport::kUdp}}};
  for (uint16_t i = 0; i < 50; ++i)
    resolution.srv["_sip._udp.srv.test"].push_back(
        {i, 0, static_cast<uint16_t>(20000 + i), "pbx.test", Seconds(7)});
  auto targets = targets_of(kServer, resolution, [](uint32_t) { return 0u; });
  ASSERT_EQ(targets.size(), kMaxTargetsPerServer);
  EXPECT_EQ(targets.front().port, 20000);
  EXPECT_EQ(targets.back().port, 20007);
}

TEST(Resolution, NoSrvRecordsOrAFailedFirstLookupIsTheHostItself) {
  EXPECT_EQ(targets_of(kServer, Resolution{.names = {{"_sip._udp.srv.test", Transport::kUdp}}},
                       [](uint32_t) { return 0u; }),
            (std::vector<ServiceTarget>{{"srv.test", 5060, Transport::kUdp}}));
  EXPECT_EQ(targets_of(kServer, Resolution{.failed = true}, [](uint32_t) { return 0u; }),
            (std::vector<ServiceTarget>{{"srv.test", 5060, Transport::kUdp}}));
}

}  // namespace
}  // namespace sipsentry::resolve
