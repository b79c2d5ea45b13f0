// What a good configuration turns into: defaults, overrides, the phone's
// numeric codes, and where passwords come from.
#include "config/load.h"

#include <gtest/gtest.h>

#include <sstream>

#include "fake_environment.h"

namespace sipsentry::config {
namespace {

using namespace std::chrono_literals;
using engine::Transport;

Config parse_ok(const std::string& yaml, const testing::FakeEnvironment& env = {}) {
  LoadResult result = parse_config(yaml, "test.yaml", env, "/etc/sipsentry");
  for (const Diagnostic& d : result.errors) ADD_FAILURE() << d.to_string();
  return result.config.value_or(Config{});
}

const char* kMinimal = R"(
lines:
  - name: reception
    user: "1001"
    servers: [{address: 192.0.2.10}, {address: 192.0.2.11, transport: tls}]
)";

TEST(Config, AServerMayHaveItsOwnRetryAndTheOthersFollowTheLines) {
  Config config = parse_ok(R"(
defaults: {retry: {count: 2}}
lines:
  - name: reception
    user: "1001"
    servers:
      - {address: 192.0.2.10, retry: {count: 5}}
      - {address: 192.0.2.11, retry: {period: 4s}}
      - {address: 192.0.2.12}
)");
  const engine::LineSettings& s = config.lines.at(0).settings;
  EXPECT_EQ(s.retry_for(0), (engine::RetryPolicy{.count = 5}));
  EXPECT_EQ(s.retry_for(1).mode, engine::RetryPolicy::Mode::kPeriod);
  EXPECT_EQ(s.retry_for(1).period, 4s);
  EXPECT_EQ(s.retry_for(2), (engine::RetryPolicy{.count = 2}));
}

TEST(Config, RegisterRetryIsFixedByDefaultOrRfc5626sBackoff) {
  Config config = parse_ok(R"(
defaults: {register_retry: {mode: backoff, base: 20s, max: 10m}}
lines:
  - {name: backing-off, user: "1", servers: [{address: 192.0.2.10}]}
  - name: fixed
    user: "2"
    register_retry: {mode: fixed, interval: 45s}
    servers: [{address: 192.0.2.10}]
)");
  const engine::LineSettings& backing_off = config.lines.at(0).settings;
  EXPECT_EQ(backing_off.register_retry,
            (engine::RegisterRetry{engine::RegisterRetry::Mode::kBackoff, 20s, 10min}));
  const engine::LineSettings& fixed = config.lines.at(1).settings;
  EXPECT_EQ(fixed.register_retry.mode, engine::RegisterRetry::Mode::kFixed);
  EXPECT_EQ(fixed.register_retry_interval, 45s);
  EXPECT_EQ(parse_ok(kMinimal).lines.at(0).settings.register_retry, engine::RegisterRetry{});
}

TEST(Config, FailbackModeIsTimerByDefaultOrOneOfThePhones) {
  using Mode = engine::FailbackSettings::Mode;
  EXPECT_EQ(parse_ok(kMinimal).lines.at(0).settings.failback.mode, Mode::kTimer);
  Config config = parse_ok(R"(
defaults: {failback: {mode: new_requests}}
lines:
  - {name: a, user: "1", servers: [{address: 192.0.2.10}]}
  - {name: b, user: "2", failback: {mode: dns_ttl}, servers: [{address: 192.0.2.10}]}
)");
  EXPECT_EQ(config.lines.at(0).settings.failback.mode, Mode::kNewRequests);
  EXPECT_EQ(config.lines.at(1).settings.failback.mode, Mode::kDnsTtl);
}

TEST(Config, RedundancyIsSuccessiveByDefaultOrConcurrent) {
  using engine::Redundancy;
  EXPECT_EQ(parse_ok(kMinimal).lines.at(0).settings.redundancy, Redundancy::kSuccessive);
  Config config = parse_ok(R"(
defaults: {redundancy: concurrent, register_retry: {mode: backoff, base_not_failed: 2m}}
lines:
  - {name: a, user: "1", servers: [{address: 192.0.2.10}]}
  - {name: b, user: "2", redundancy: successive, servers: [{address: 192.0.2.10}]}
)");
  EXPECT_EQ(config.lines.at(0).settings.redundancy, Redundancy::kConcurrent);
  EXPECT_EQ(config.lines.at(0).settings.register_retry.base_not_failed, 2min);
  EXPECT_EQ(config.lines.at(1).settings.redundancy, Redundancy::kSuccessive);
}

TEST(Config, EveryKeyHasTheDefaultOfTheSpecification) {
  Config config = parse_ok(kMinimal);
  EXPECT_EQ(config.metrics.listen, "127.0.0.1:9730");
  EXPECT_FALSE(config.metrics.per_line_histograms);
  EXPECT_EQ(config.sip.bind, (std::vector<std::string>{"0.0.0.0:0", "[::]:0"}));
  EXPECT_EQ(config.log.format, "text");
  EXPECT_EQ(config.log.level, "info");
  ASSERT_EQ(config.lines.size(), 1u);
  const LineConfig& line = config.lines[0];
  const engine::LineSettings& s = line.settings;
  EXPECT_EQ(s.timers.t1, 500ms);
  EXPECT_EQ(s.timers.t2, 4s);
  EXPECT_EQ(s.timers.t4, 5s);
  EXPECT_EQ(s.retry.mode, engine::RetryPolicy::Mode::kCount);
  EXPECT_EQ(s.retry.count, 3);
  EXPECT_EQ(s.register_retry_interval, 30s);
  EXPECT_DOUBLE_EQ(s.refresh_ratio, 0.9);
  EXPECT_EQ(s.keepalive_interval, 30s);
  EXPECT_EQ(s.unavailable_codes, (std::vector<int>{500, 503}));
  EXPECT_TRUE(s.failback.enabled);
  EXPECT_EQ(s.failback.interval, 1800s);
  EXPECT_FALSE(s.failback.unregister_previous);
  EXPECT_EQ(s.observe_interval, 60s);
  EXPECT_FALSE(s.unregister_on_exit);
  EXPECT_FALSE(s.test_call.has_value());
  EXPECT_TRUE(line.tls.verify);
  EXPECT_TRUE(line.password.empty());
}

TEST(Config, SipBindIsOneAddressOrOnePerFamily) {
  EXPECT_EQ(parse_ok(std::string("sip: {bind: \"127.0.0.1:5062\"}\n") + kMinimal).sip.bind,
            (std::vector<std::string>{"127.0.0.1:5062"}));
  EXPECT_EQ(
      parse_ok(std::string("sip:\n  bind: [\"127.0.0.1:0\", \"[::1]:0\"]\n") + kMinimal).sip.bind,
      (std::vector<std::string>{"127.0.0.1:0", "[::1]:0"}));
}

// An IPv6 address is written bare, as YAML allows, or in brackets as in a
// URI; it is kept bare, and the name, the domain and URIs bracket it.
TEST(Config, IPv6AddressesAreReadBareOrInBrackets) {
  Config config = parse_ok(R"(
lines:
  - name: reception
    user: "1001"
    servers: [{address: "::1"}, {address: "[2001:db8::5]", port: 5070}]
)");
  const engine::LineSettings& s = config.lines.at(0).settings;
  EXPECT_EQ(s.servers[0].address, "::1");
  EXPECT_EQ(s.servers[0].uri_host(), "[::1]");
  EXPECT_EQ(s.servers[0].name, "[::1]:5060");
  EXPECT_EQ(s.servers[1].address, "2001:db8::5");
  EXPECT_EQ(s.servers[1].name, "[2001:db8::5]:5070");
  EXPECT_EQ(s.domain, "[::1]");
}

TEST(Config, PerLineHistogramsAreAsked) {
  Config config = parse_ok(std::string("metrics: {per_line_histograms: true}\n") + kMinimal);
  EXPECT_TRUE(config.metrics.per_line_histograms);
  EXPECT_EQ(config.metrics.listen, "127.0.0.1:9730") << "the other keys keep their defaults";
}

TEST(Config, ServerDefaultsArePort5060Or5061ForTlsAndNameAddressPort) {
  Config config = parse_ok(kMinimal);
  const auto& servers = config.lines.at(0).settings.servers;
  EXPECT_EQ(servers[0].port, 5060);
  EXPECT_EQ(servers[0].transport, Transport::kUdp);
  EXPECT_EQ(servers[0].name, "192.0.2.10:5060");
  EXPECT_EQ(servers[0].expires, 3600s);
  EXPECT_EQ(servers[1].port, 5061);
  EXPECT_EQ(servers[1].name, "192.0.2.11:5061");
}

// RFC 3263: a name without a port is resolved by NAPTR and SRV; what the
// server entry wrote is kept beside the engine's settings (with defaults).
TEST(Config, EachServerIsKeptAsWrittenForRfc3263) {
  Config config = parse_ok(R"(
lines:
  - name: reception
    user: "1001"
    servers:
      - {address: pbx.example.com}
      - {address: backup.example.com, transport: tcp}
      - {address: other.example.com, port: 5070}
      - {address: "::1"}
)");
  const auto& names = config.lines.at(0).server_names;
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(names[0], (resolve::ServerName{.host = "pbx.example.com"}));
  EXPECT_TRUE(resolve::uses_service_records(names[0]));
  EXPECT_EQ(names[1],
            (resolve::ServerName{.host = "backup.example.com", .transport = Transport::kTcp}));
  EXPECT_TRUE(resolve::uses_service_records(names[1]));
  EXPECT_EQ(names[2], (resolve::ServerName{.host = "other.example.com", .port = 5070}));
  EXPECT_FALSE(resolve::uses_service_records(names[2]));
  EXPECT_EQ(names[3].host, "[::1]");
  EXPECT_FALSE(resolve::uses_service_records(names[3]));
}

TEST(Config, DomainDefaultsToThePrimaryAndAuthUserToTheUser) {
  Config config = parse_ok(kMinimal);
  EXPECT_EQ(config.lines[0].settings.domain, "192.0.2.10");
  EXPECT_EQ(config.lines[0].auth_user, "1001");
}

TEST(Config, PhoneTransportCodesZeroOneThreeAreUdpTcpTls) {
  Config config = parse_ok(R"(
lines:
  - name: l
    user: u
    servers: [{address: a, transport: 0}, {address: b, transport: 1}, {address: c, transport: 3}]
)");
  const auto& servers = config.lines.at(0).settings.servers;
  EXPECT_EQ(servers[0].transport, Transport::kUdp);
  EXPECT_EQ(servers[1].transport, Transport::kTcp);
  EXPECT_EQ(servers[2].transport, Transport::kTls);
}

TEST(Config, LineOverridesDefaultsAndNestedMappingsMergeKeyByKey) {
  Config config = parse_ok(R"(
defaults:
  timers: {t1: 200ms, t2: 2s}
  failback: {enabled: false, interval: 10m}
  keepalive_interval: 15s
lines:
  - name: a
    user: u
    timers: {t2: 1s}
    failback: {enabled: true}
    servers: [{address: x}]
  - name: b
    user: u
    servers: [{address: x}]
)");
  const auto& a = config.lines.at(0).settings;
  EXPECT_EQ(a.timers.t1, 200ms);  // from defaults
  EXPECT_EQ(a.timers.t2, 1s);     // the line's own
  EXPECT_EQ(a.timers.t4, 5s);     // built-in default
  EXPECT_TRUE(a.failback.enabled);
  EXPECT_EQ(a.failback.interval, 10min);
  EXPECT_EQ(a.keepalive_interval, 15s);
  const auto& b = config.lines.at(1).settings;
  EXPECT_FALSE(b.failback.enabled);
  EXPECT_EQ(b.timers.t2, 2s);
}

TEST(Config, RetryPeriodInALineReplacesTheCountOfDefaults) {
  Config config = parse_ok(R"(
defaults: {retry: {count: 5}}
lines:
  - {name: a, user: u, retry: {period: 2s}, servers: [{address: x}]}
  - {name: b, user: u, servers: [{address: x}]}
)");
  EXPECT_EQ(config.lines[0].settings.retry.mode, engine::RetryPolicy::Mode::kPeriod);
  EXPECT_EQ(config.lines[0].settings.retry.period, 2s);
  EXPECT_EQ(config.lines[1].settings.retry.count, 5);
}

TEST(Config, DurationsTakeUnitsAndPlainNumbersAreSeconds) {
  Config config = parse_ok(R"(
defaults:
  register_retry_interval: 45
  keepalive_interval: 1.5
  failback: {interval: 1h}
  observe: {interval: 2m}
lines:
  - {name: a, user: u, servers: [{address: x, expires: 120}], timers: {t1: 250ms}}
)");
  const auto& s = config.lines[0].settings;
  EXPECT_EQ(s.register_retry_interval, 45s);
  EXPECT_EQ(s.keepalive_interval, 1500ms);
  EXPECT_EQ(s.failback.interval, 1h);
  EXPECT_EQ(s.observe_interval, 2min);
  EXPECT_EQ(s.servers[0].expires, 120s);
  EXPECT_EQ(s.timers.t1, 250ms);
}

TEST(Config, PasswordComesFromTheEnvironment) {
  testing::FakeEnvironment env;
  env.variables["PBX_PASSWORD"] = "s3cret";
  Config config = parse_ok(
      "lines: [{name: a, user: u, password_env: PBX_PASSWORD, servers: [{address: x}]}]", env);
  EXPECT_EQ(config.lines[0].password.reveal(), "s3cret");
}

TEST(Config, PasswordFileIsRelativeToTheConfigDirectoryAndLosesItsNewline) {
  testing::FakeEnvironment env;
  env.files["/etc/sipsentry/secrets/a.txt"] = "s3cret\n";
  Config config = parse_ok(
      "lines: [{name: a, user: u, password_file: secrets/a.txt, servers: [{address: x}]}]", env);
  EXPECT_EQ(config.lines[0].password.reveal(), "s3cret");
}

TEST(Config, TestCallHasItsDefaultsAndTheGivenTarget) {
  Config config = parse_ok(R"(
lines:
  - name: a
    user: u
    servers: [{address: x}]
    test_call: {target: "sip:*43@x", duration: 2s}
)");
  const auto& call = config.lines[0].settings.test_call.value();
  EXPECT_EQ(call.target, "sip:*43@x");
  EXPECT_EQ(call.interval, 15min);
  EXPECT_EQ(call.duration, 2s);
  EXPECT_EQ(call.ring_timeout, 30s);
  EXPECT_FALSE(call.expected_status.has_value());
}

TEST(Config, TlsVerificationCanBeTurnedOffExplicitly) {
  Config config = parse_ok(
      "defaults: {tls: {verify: false, ca_file: /etc/ca.pem}}\n"
      "lines: [{name: a, user: u, servers: [{address: x, transport: tls}]}]");
  EXPECT_FALSE(config.lines[0].tls.verify);
  EXPECT_EQ(config.lines[0].tls.ca_file, "/etc/ca.pem");
}

TEST(Secret, NeverPrintsItsValue) {
  Secret secret("hunter2");
  std::ostringstream out;
  out << secret;
  EXPECT_EQ(out.str(), "***");
  EXPECT_EQ(secret.reveal(), "hunter2");
}

TEST(ExampleConfig, ValidatesWithItsPasswordVariablesSet) {
  testing::FakeEnvironment env;
  env.variables["RECEPTION_SIP_PASSWORD"] = "a";
  env.variables["SALES_SIP_PASSWORD"] = "b";
  LoadResult result = load_config_file(SIPSENTRY_EXAMPLE_CONFIG, env);
  for (const Diagnostic& d : result.errors) ADD_FAILURE() << d.to_string();
  ASSERT_TRUE(result.config);
  ASSERT_EQ(result.config->lines.size(), 2u);
  EXPECT_EQ(result.config->lines[1].settings.servers.size(), 3u);
}

TEST(Config, AnIpLiteralServerOfAFamilyNoBindAddressHasIsAWarningAtItsAddress) {
  const char* yaml = R"(sip: {bind: "0.0.0.0:0"}
lines:
  - name: reception
    user: "1001"
    servers:
      - {address: 192.0.2.10}
      - {address: "2001:db8::1"}
      - {address: pbx.example.com}
)";
  LoadResult result = parse_config(yaml, "test.yaml", testing::FakeEnvironment{}, "/etc/sipsentry");
  ASSERT_TRUE(result.config);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0].to_string(),
            "test.yaml:7:19: warning: server '[2001:db8::1]:5060' is an IPv6 address but sip.bind "
            "has no IPv6 address: every request to it fails as 'local'");
}

TEST(Config, TheDefaultBindReachesServersOfBothFamiliesWithoutAWarning) {
  LoadResult result = parse_config(
      "lines: [{name: a, user: '1', servers: [{address: 192.0.2.10}, {address: '::1'}]}]\n",
      "test.yaml", testing::FakeEnvironment{}, "/etc/sipsentry");
  ASSERT_TRUE(result.config);
  EXPECT_TRUE(result.warnings.empty());
}

}  // namespace
}  // namespace sipsentry::config
