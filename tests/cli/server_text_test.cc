// How validate, plan and plan --resolve write a server resolved by DNS SRV
// and the targets its records give, with a fixed draw.
#include "cli/server_text.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/plan_printer.h"

namespace sipsentry::cli {
namespace {

using engine::Transport;
using resolve::Seconds;

const resolve::ServerName kSrv{.host = "pbx.example.com"};

resolve::RandomDraw first_draw() {
  return [](uint32_t) { return 0u; };
}

std::string printed(const resolve::ServerName& server, const resolve::Resolution& resolution) {
  std::ostringstream out;
  print_resolution(out, server, resolution, first_draw());
  return out.str();
}

TEST(ServerText, ANameWithoutAPortSaysItIsResolvedBySrv) {
  engine::Server server{.name = "pbx", .address = "pbx.example.com"};
  EXPECT_EQ(describe_server(server, &kSrv),
            "pbx.example.com (resolved by DNS SRV/NAPTR, RFC 3263)");
  resolve::ServerName tcp{.host = "pbx.example.com", .transport = Transport::kTcp};
  EXPECT_EQ(describe_server(server, &tcp),
            "tcp pbx.example.com (resolved by DNS SRV/NAPTR, RFC 3263)");
  resolve::ServerName with_port{.host = "pbx.example.com", .port = 5060};
  EXPECT_EQ(describe_server(server, &with_port), "udp pbx.example.com:5060");
  EXPECT_EQ(describe_server(server, nullptr), "udp pbx.example.com:5060");
  engine::Server literal{.name = "v6", .address = "2001:db8::1", .port = 5070};
  resolve::ServerName written{.host = "[2001:db8::1]"};
  EXPECT_EQ(describe_server(literal, &written), "udp [2001:db8::1]:5070");
}

TEST(ServerText, EachSrvServerOnceInOrder) {
  std::vector<resolve::ServerName> written{kSrv,
                                           {.host = "192.0.2.1"},
                                           {.host = "b.example.com"},
                                           kSrv,
                                           {.host = "c.example.com", .port = 5060}};
  EXPECT_EQ(srv_servers(written),
            (std::vector<resolve::ServerName>{kSrv, {.host = "b.example.com"}}));
}

TEST(ServerText, TargetsInOrderWithPriorityWeightAndTtl) {
  resolve::Resolution resolution{
      .naptr = {{10, 50, "s", "SIP+D2U", "", "_sip._udp.pbx.example.com", Seconds(300)}},
      .names = {{"_sip._udp.pbx.example.com", Transport::kUdp}},
      .srv = {{"_sip._udp.pbx.example.com",
               {{20, 50, 5060, "b.example.com", Seconds(7)},
                {10, 100, 5062, "a.example.com", Seconds(7)}}}},
      .lifetime = resolve::kTtlFloor};
  EXPECT_EQ(printed(kSrv, resolution),
            "  pbx.example.com: 2 targets by NAPTR and SRV, TTL 7s, resolved again after 30s "
            "(the floor)\n"
            "    1. a.example.com:5062 udp (priority 10, weight 100)\n"
            "    2. b.example.com:5060 udp (priority 20, weight 50)\n");
}

TEST(ServerText, WithoutDnsItSaysWhy) {
  EXPECT_EQ(printed(kSrv, {.failed = true, .error = "no DNS server answered within 5000 ms"}),
            "  pbx.example.com: cannot resolve now (no DNS server answered within 5000 ms); a "
            "walk would try its host's own address on the default port\n");
}

TEST(ServerText, NoSrvRecordsIsTheHostItselfAndADotIsNoTarget) {
  resolve::Resolution none{.names = {{"_sip._udp.pbx.example.com", Transport::kUdp}}};
  EXPECT_EQ(printed(kSrv, none),
            "  pbx.example.com: no NAPTR nor SRV records: the host itself, pbx.example.com:5060 "
            "udp (its addresses asked at each send)\n");
  resolve::Resolution dot = none;
  dot.srv["_sip._udp.pbx.example.com"] = {{0, 0, 0, ".", Seconds(60)}};
  EXPECT_EQ(printed(kSrv, dot),
            "  pbx.example.com: its SRV records say the service is not available (target \".\"): "
            "no target\n");
}

TEST(ServerText, ThePlanHeaderSaysWhichServersAreResolvedBySrv) {
  engine::LineSettings line;
  line.name = "reception";
  line.servers = {engine::Server{.name = "pbx", .address = "pbx.example.com"},
                  engine::Server{.name = "pbx-b", .address = "192.0.2.11"}};
  std::ostringstream out;
  print_plan(out, line, engine::Scenario::kPrimarySilent,
             engine::run_scenario(line, engine::Scenario::kPrimarySilent),
             {kSrv, {.host = "192.0.2.11"}});
  std::string text = out.str();
  EXPECT_NE(text.find("  primary pbx pbx.example.com (resolved by DNS SRV/NAPTR, RFC 3263), "
                      "REGISTER budget 7.5s\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  backup  pbx-b udp 192.0.2.11:5060, REGISTER budget 32s\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace sipsentry::cli
