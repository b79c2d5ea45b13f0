// RFC 3263 §4: which SRV names to ask for, and the targets they give.
#include "resolve/rfc3263.h"

#include <gtest/gtest.h>

namespace sipsentry::resolve {
namespace {

using engine::Transport;

RandomDraw first_draw() {
  return [](uint32_t) { return 0u; };
}

NaptrRecord naptr(uint16_t order, uint16_t preference, const std::string& service,
                  const std::string& replacement, const std::string& flags = "s") {
  return NaptrRecord{order, preference, flags, service, "", replacement, Seconds(60)};
}

TEST(Rfc3263, APortOrAnIpLiteralSkipsNaptrAndSrv) {
  EXPECT_FALSE(uses_service_records({.host = "pbx.test", .port = 5070}));
  EXPECT_FALSE(uses_service_records({.host = "192.0.2.1"}));
  EXPECT_FALSE(uses_service_records({.host = "[2001:db8::1]"}));
  EXPECT_TRUE(uses_service_records({.host = "pbx.test"}));
  EXPECT_TRUE(service_names({.host = "pbx.test", .port = 5070}, {}).empty());
  EXPECT_EQ(select_targets({.host = "pbx.test", .port = 5070}, {}, {}, first_draw(), 8),
            (std::vector<ServiceTarget>{{"pbx.test", 5070, Transport::kUdp}}));
}

TEST(Rfc3263, ALocalhostNameNeverAsksDnsForNaptrOrSrv) {
  // RFC 6761 §6.3: sip:localhost is the loopback on the default port.
  for (const char* host : {"localhost", "LocalHost.", "pbx.localhost"})
    EXPECT_FALSE(uses_service_records({.host = host})) << host;
  EXPECT_TRUE(uses_service_records({.host = "localhost.example.com"}));
  EXPECT_TRUE(uses_service_records({.host = "notlocalhost"}));
  EXPECT_EQ(select_targets({.host = "localhost"}, {}, {}, first_draw(), 8),
            (std::vector<ServiceTarget>{{"localhost", 5060, Transport::kUdp}}));
}

TEST(Rfc3263, NaptrRecordsOfAllowedTransportsInOrderThenPreference) {
  ServerName server{.host = "example.test", .allowed = {Transport::kUdp, Transport::kTcp}};
  auto names = service_names(server, {naptr(20, 10, "SIP+D2U", "_sip._udp.example.test"),
                                      naptr(10, 20, "SIP+D2T", "_sip._tcp.example.test"),
                                      naptr(10, 10, "SIPS+D2T", "_sips._tcp.example.test"),
                                      naptr(5, 10, "E2U+sip", "ignored.test"),
                                      naptr(1, 10, "SIP+D2U", "flag-a.test", "a")});
  EXPECT_EQ(names, (std::vector<ServiceName>{{"_sip._tcp.example.test", Transport::kTcp},
                                             {"_sip._udp.example.test", Transport::kUdp}}));
}

TEST(Rfc3263, WithoutUsableNaptrTheSrvNamesOfTheAllowedTransports) {
  ServerName server{.host = "example.test", .allowed = {Transport::kUdp, Transport::kTls}};
  EXPECT_EQ(service_names(server, {naptr(1, 1, "SIP+D2T", "_sip._tcp.example.test")}),
            (std::vector<ServiceName>{{"_sip._udp.example.test", Transport::kUdp},
                                      {"_sips._tcp.example.test", Transport::kTls}}));
}

TEST(Rfc3263, AConfiguredTransportWinsOverNaptr) {
  ServerName server{.host = "example.test", .transport = Transport::kTcp};
  EXPECT_EQ(service_names(server, {naptr(1, 1, "SIP+D2U", "_sip._udp.example.test")}),
            (std::vector<ServiceName>{{"_sip._tcp.example.test", Transport::kTcp}}));
}

TEST(Rfc3263, TheFirstNameWithRecordsGivesTheTargetsInSrvOrder) {
  ServerName server{.host = "example.test"};
  auto names = service_names(server, {});
  std::map<std::string, std::vector<SrvRecord>> srv{
      {"_sip._tcp.example.test",
       {{20, 0, 5080, "backup.test", Seconds(60)}, {10, 0, 5070, "primary.test", Seconds(60)}}},
      {"_sips._tcp.example.test", {{0, 0, 5061, "tls.test", Seconds(60)}}}};
  EXPECT_EQ(select_targets(server, names, srv, first_draw(), 8),
            (std::vector<ServiceTarget>{{"primary.test", 5070, Transport::kTcp},
                                        {"backup.test", 5080, Transport::kTcp}}));
}

TEST(Rfc3263, NoSrvRecordsMeansTheHostOnTheDefaultPort) {
  EXPECT_EQ(select_targets({.host = "example.test"}, service_names({.host = "example.test"}, {}),
                           {}, first_draw(), 8),
            (std::vector<ServiceTarget>{{"example.test", 5060, Transport::kUdp}}));
  ServerName tls{.host = "example.test", .transport = Transport::kTls};
  EXPECT_EQ(select_targets(tls, service_names(tls, {}), {}, first_draw(), 8),
            (std::vector<ServiceTarget>{{"example.test", 5061, Transport::kTls}}));
}

TEST(Rfc3263, ADotAloneMeansTheServiceIsNotAvailable) {
  ServerName server{.host = "example.test", .transport = Transport::kUdp};
  std::map<std::string, std::vector<SrvRecord>> srv{
      {"_sip._udp.example.test", {{0, 0, 0, ".", Seconds(60)}}}};
  EXPECT_TRUE(select_targets(server, service_names(server, {}), srv, first_draw(), 8).empty());
}

TEST(Rfc3263, ALargeRecordSetIsCutToTheBound) {
  ServerName server{.host = "example.test", .transport = Transport::kUdp};
  std::vector<SrvRecord> fifty;
  for (uint16_t i = 0; i < 50; ++i)
    fifty.push_back({i, 0, 5060, "host" + std::to_string(i) + ".test", Seconds(60)});
  auto targets = select_targets(server, service_names(server, {}),
                                {{"_sip._udp.example.test", fifty}}, first_draw(), 8);
  ASSERT_EQ(targets.size(), 8u);
  EXPECT_EQ(targets.front().host, "host0.test");
  EXPECT_EQ(targets.back().host, "host7.test");
}

}  // namespace
}  // namespace sipsentry::resolve
