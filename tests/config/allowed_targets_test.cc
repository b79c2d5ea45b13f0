// probe.allowed_targets: which targets /probe may send to. A network allows
// the IP literals inside it, a name only itself; nothing else gets through.
#include "config/allowed_targets.h"

#include <gtest/gtest.h>

namespace sipsentry::config {
namespace {

AllowedTargets of(std::initializer_list<std::string_view> entries) {
  AllowedTargets allowed;
  std::string error;
  for (std::string_view entry : entries) EXPECT_TRUE(allowed.add(entry, error)) << error;
  return allowed;
}

TEST(AllowedTargets, TheDefaultIsLoopbackOnly) {
  AllowedTargets loopback = AllowedTargets::loopback();
  for (std::string_view host :
       {"127.0.0.1", "127.255.0.9", "::1", "[::1]", "localhost", "LOCALHOST", "localhost."})
    EXPECT_TRUE(loopback.allows(host)) << host;
  for (std::string_view host : {"128.0.0.1", "10.0.0.1", "192.0.2.10", "::2", "[::ffff:127.0.0.1]",
                                "localhost.example.com", "pbx.example.com", "", "127.1"})
    EXPECT_FALSE(loopback.allows(host)) << host;
}

TEST(AllowedTargets, ANetworkAllowsTheAddressesInsideItOnly) {
  AllowedTargets allowed = of({"192.0.2.0/25", "2001:db8:1::/48", "198.51.100.7"});
  EXPECT_TRUE(allowed.allows("192.0.2.0"));
  EXPECT_TRUE(allowed.allows("192.0.2.127"));
  EXPECT_FALSE(allowed.allows("192.0.2.128"));
  EXPECT_TRUE(allowed.allows("[2001:db8:1:ffff::5]"));
  EXPECT_FALSE(allowed.allows("2001:db8:2::5"));
  EXPECT_TRUE(allowed.allows("198.51.100.7"));  // one address: a /32
  EXPECT_FALSE(allowed.allows("198.51.100.8"));
  EXPECT_FALSE(allowed.allows("127.0.0.1"));  // the default is replaced, not extended
}

TEST(AllowedTargets, ANameAllowsThatNameAndANetworkNoName) {
  AllowedTargets allowed = of({"pbx.example.com", "0.0.0.0/0"});
  EXPECT_TRUE(allowed.allows("PBX.example.com."));
  EXPECT_TRUE(allowed.allows("203.0.113.1"));  // every IPv4 literal
  EXPECT_FALSE(allowed.allows("other.example.com"));
  EXPECT_FALSE(allowed.allows("example.com"));
  EXPECT_FALSE(allowed.allows("sub.pbx.example.com"));
  EXPECT_FALSE(allowed.allows("::1"));  // 0.0.0.0/0 is IPv4 only
}

TEST(AllowedTargets, AZeroPrefixAllowsTheWholeFamily) {
  AllowedTargets allowed = of({"::/0"});
  EXPECT_TRUE(allowed.allows("2001:db8::1"));
  EXPECT_FALSE(allowed.allows("192.0.2.1"));
}

TEST(AllowedTargets, AnEntryThatIsNoneOfThemIsRefused) {
  AllowedTargets allowed;
  std::string error;
  for (std::string_view entry :
       {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "*.example.com", "pbx example", "", "-pbx"})
    EXPECT_FALSE(allowed.add(entry, error)) << entry;
  EXPECT_TRUE(allowed.entries().empty());
  EXPECT_FALSE(allowed.allows("10.0.0.1"));
}

}  // namespace
}  // namespace sipsentry::config
