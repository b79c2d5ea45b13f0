#include "sip/target.h"

#include <gtest/gtest.h>

namespace sipsentry::sip {
namespace {

using engine::Transport;

Target parsed(std::string_view uri) {
  std::string error;
  auto target = parse_target(uri, error);
  EXPECT_TRUE(target) << uri << ": " << error;
  return target.value_or(Target{});
}

std::string rejected(std::string_view uri) {
  std::string error;
  EXPECT_FALSE(parse_target(uri, error)) << uri;
  return error;
}

TEST(Target, DefaultsAreUdpOnPort5060) {
  EXPECT_EQ(parsed("sip:pbx.example.com"), (Target{"pbx.example.com", 5060, Transport::kUdp}));
}

TEST(Target, PortAndTransportAreTakenFromTheUri) {
  EXPECT_EQ(parsed("sip:192.0.2.10:5080;transport=tcp"),
            (Target{"192.0.2.10", 5080, Transport::kTcp}));
  EXPECT_EQ(parsed("sip:1001@192.0.2.10;transport=tls"),
            (Target{"192.0.2.10", 5061, Transport::kTls}));
}

TEST(Target, SipsMeansTlsOn5061) {
  EXPECT_EQ(parsed("sips:pbx.example.com"), (Target{"pbx.example.com", 5061, Transport::kTls}));
}

TEST(Target, Ipv6HostsAreBracketed) {
  EXPECT_EQ(parsed("sip:[::1]:5070"), (Target{"[::1]", 5070, Transport::kUdp}));
}

TEST(Target, MistakesAreExplained) {
  EXPECT_EQ(rejected("http://example.com"), "'http://example.com' is not a sip: or sips: URI");
  EXPECT_EQ(rejected("sip:host;transport=sctp"),
            "unknown transport 'sctp' in 'sip:host;transport=sctp'");
  EXPECT_EQ(rejected("sip:host:99999"), "'sip:host:99999' has no valid host and port");
  EXPECT_EQ(rejected("sip::5060"), "'sip::5060' has no valid host and port");
}

// Found by the duration_uri fuzz target: "sip:1040@pbx.example.com@x" was
// host "pbx.example.com@x", whose route URI Sofia-SIP reads as host "x".
TEST(Target, AHostIsANameAnAddressOrABracketedIpv6Address) {
  EXPECT_NE(rejected("sip:1040@pbx.example.com@evil.example.com:5060"), "");
  EXPECT_NE(rejected("sip:pbx example.com"), "");
  EXPECT_NE(rejected("sip:pbx.example.com?x=y"), "");
  EXPECT_NE(rejected("sip:[::1;x]:5060"), "");
  EXPECT_NE(rejected("sip:[]:5060"), "");
  EXPECT_EQ(parsed("sip:pbx-1.example.com:5062"),
            (Target{"pbx-1.example.com", 5062, Transport::kUdp}));
  EXPECT_EQ(parsed("sip:[2001:db8::a]"), (Target{"[2001:db8::a]", 5060, Transport::kUdp}));
}

TEST(Target, RouteUriNamesTheTransport) {
  EXPECT_EQ((Target{"192.0.2.10", 5060, Transport::kTcp}).route_uri(),
            "sip:192.0.2.10:5060;transport=tcp");
}

// RFC 3263 resolves a name by NAPTR/SRV only when the URI wrote no port
// (and no maddr); a written transport skips NAPTR.
TEST(Target, AUriSaysWhetherItWroteThePortAndTheTransport) {
  std::string error;
  auto bare = parse_uri_server("sip:srv.example.com", error);
  ASSERT_TRUE(bare) << error;
  EXPECT_FALSE(bare->port_given);
  EXPECT_FALSE(bare->transport_given);
  EXPECT_FALSE(bare->maddr);
  auto full = parse_uri_server("sip:srv.example.com:5070;transport=tcp;maddr=192.0.2.1", error);
  ASSERT_TRUE(full) << error;
  EXPECT_TRUE(full->port_given);
  EXPECT_TRUE(full->transport_given);
  EXPECT_TRUE(full->maddr);
  auto secure = parse_uri_server("sips:srv.example.com", error);
  ASSERT_TRUE(secure) << error;
  EXPECT_TRUE(secure->transport_given);
  EXPECT_FALSE(secure->port_given);
}

// A configured IPv6 address is bare ("::1"); the route URI NTA sends by,
// and so the Via and Request-URI, need it in brackets.
TEST(Target, AConfiguredIpv6AddressIsBracketedInTheRouteUri) {
  engine::Server server;
  server.address = "::1";
  server.port = 5999;
  server.transport = Transport::kTcp;
  EXPECT_EQ(target_of(server).route_uri(), "sip:[::1]:5999;transport=tcp");
  server.address = "192.0.2.10";
  EXPECT_EQ(target_of(server).route_uri(), "sip:192.0.2.10:5999;transport=tcp");
}

// An SRV target replaces the server's host, port and transport; none is the
// server as configured.
TEST(Target, AnSrvTargetIsWhereTheRequestGoes) {
  engine::Server server;
  server.address = "voip.example.com";
  EXPECT_EQ(target_of(server, std::nullopt).route_uri(), "sip:voip.example.com:5060;transport=udp");
  engine::Target srv{"pbx2.example.com", 25060, Transport::kTcp};
  EXPECT_EQ(target_of(server, srv).route_uri(), "sip:pbx2.example.com:25060;transport=tcp");
  EXPECT_EQ(srv.describe(), "pbx2.example.com:25060;transport=tcp");
}

}  // namespace
}  // namespace sipsentry::sip
