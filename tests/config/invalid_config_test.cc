// Every validation rule of the configuration, each against exact messages:
// a table of invalid files (tests/config/testdata/invalid-*.yaml), as
// blackbox_exporter does, so that a changed message is a visible decision.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/load.h"
#include "fake_environment.h"

namespace sipsentry::config {
namespace {

const std::string kTestData = SIPSENTRY_CONFIG_TESTDATA;

struct InvalidCase {
  std::string file;
  std::vector<std::string> expected;  // "LINE:COLUMN: message", or "message" without a position
};

std::vector<std::string> rendered(const std::vector<Diagnostic>& errors) {
  std::vector<std::string> lines;
  for (const Diagnostic& d : errors)
    lines.push_back(d.line
                        ? std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message
                        : d.message);
  return lines;
}

std::string with_testdata(std::string text) {
  for (size_t at; (at = text.find("TESTDATA")) != std::string::npos;)
    text.replace(at, 8, kTestData);
  return text;
}

class InvalidConfig : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidConfig, ReportsEveryMistakeWithItsPosition) {
  testing::FakeEnvironment env;
  env.variables["RECEPTION_SIP_PASSWORD"] = "s3cret";
  LoadResult result = load_config_file(kTestData + "/" + GetParam().file, env);
  EXPECT_FALSE(result.config.has_value());
  std::vector<std::string> expected;
  for (const std::string& line : GetParam().expected) expected.push_back(with_testdata(line));
  EXPECT_EQ(rendered(result.errors), expected);
  for (const Diagnostic& d : result.errors) EXPECT_EQ(d.file, kTestData + "/" + GetParam().file);
}

const InvalidCase kInvalidCases[] = {
    {"invalid-bad-duration.yaml",
     {"2:28: 'register_retry_interval': invalid duration '30 seconds': write a number with a unit "
      "(500ms, 30s, 30m, 1h, 14d) or plain seconds",
      "3:23: 'keepalive_interval': invalid duration '-5s': must not be negative",
      "4:24: 'interval': invalid duration '1w': write a number with a unit (500ms, 30s, 30m, 1h, "
      "14d) or plain seconds",
      "9:40: 'expires': invalid duration 'soon': write a number with a unit (500ms, 30s, 30m, 1h, "
      "14d) or plain seconds"}},
    {"invalid-both-retry-forms.yaml",
     {"2:10: 'retry': give either 'count' (phone V3) or 'period' (phone V2), not both",
      "6:20: 'count': 11 is out of range; expected an integer from 0 to 10"}},
    {"invalid-register-retry.yaml",
     {"2:19: 'register_retry': max must not be shorter than base",
      "2:26: 'mode': unknown register_retry mode 'exponential'; expected fixed or backoff",
      "6:17: 'redundancy': unknown mode 'dual'; expected successive or concurrent",
      "7:52: 'count': 11 is out of range; expected an integer from 0 to 10"}},
    {"invalid-duplicate-line-names.yaml",
     {"5:11: duplicate line name 'reception' (first defined at line 2)"}},
    {"invalid-duplicate-key.yaml",
     {"4:5: duplicate key 'name' in 'lines'",
      "5:20: 'refresh_ratio': expected a number, got 'nan'"}},
    {"invalid-duplicate-server-names.yaml", {"6:9: duplicate server name 'pbx' in this line"}},
    {"invalid-empty.yaml", {"the file is empty"}},
    {"invalid-line-fields.yaml",
     {"2:5: line is missing 'user'",
      "2:11: 'name': use only letters, digits, '_', '.' and '-' (it is a metric label)",
      "3:20: 'refresh_ratio': must be between 0 and 1 (exclusive), got 1.5",
      "4:30: 'unavailable_codes': 99 is out of range; expected an integer from 100 to 699",
      "5:25: 'test_call': 'target' must be a sip: or sips: URI",
      "5:51: 'interval': must be greater than 0", "6:15: server is missing 'address'",
      "7:5: line is missing 'name'"}},
    {"invalid-ipv6.yaml",
     {"2:23: 'bind': expected HOST:PORT, got '[::1]'",
      "7:28: 'address': '[::1]:5060' is no IPv6 address (the port goes in 'port', not after a "
      "':')",
      "8:28: 'address': 'fe80::zz' is no IPv6 address (the port goes in 'port', not after a "
      "':')"}},
    {"invalid-empty-bind.yaml", {"1:13: 'bind': at least one address is needed"}},
    {"invalid-malformed-yaml.yaml", {"5:1: malformed YAML: end of sequence flow not found"}},
    {"invalid-modules.yaml",
     {"2:17: a REGISTER module needs a 'user'",
      "2:50: 'password_env': environment variable 'NOT_SET_ANYWHERE' is not set",
      "3:15: only a REGISTER module uses a password (this one sends OPTIONS)",
      "4:17: 'method': expected OPTIONS or REGISTER, got 'INVITE'",
      "4:36: 'transport': expected udp, tcp or tls, got 'sctp'",
      "4:51: 'timeout': must be greater than 0",
      "4:55: unknown key 'tiemout' in 'modules'; did you mean 'timeout'?",
      "5:3: 'modules': a module name uses only letters, digits, '_', '.' and '-'"}},
    {"invalid-probe.yaml",
     {"2:21: 'allowed_targets': '127.0.0.0/33': the prefix length must be 0 to 32",
      "2:35: 'allowed_targets': '*.example.com' is neither a network (10.0.0.0/8, "
      "2001:db8::/32), an IP address nor a host name",
      "2:64: 'allowed_targets': '::1/129': the prefix length must be 0 to 128",
      "2:75: 'allowed_targets': expected a string, got a list",
      "3:3: unknown key 'allowed' in 'probe'"}},
    {"invalid-no-lines.yaml", {"1:1: the configuration has no 'lines'"}},
    {"invalid-no-servers.yaml",
     {"4:14: 'servers': a line needs at least 1 server", "5:5: line is missing 'servers'"}},
    {"invalid-port-out-of-range.yaml",
     {"5:37: 'port': 70000 is out of range; expected an integer from 1 to 65535",
      "6:37: 'port': 0 is out of range; expected an integer from 1 to 65535"}},
    {"invalid-too-many-servers.yaml", {"13:9: 'servers': at most 8 servers per line, got 9"}},
    {"invalid-startup.yaml",
     {"2:9: 'rate': 0 is out of range; expected an integer from 1 to 100000",
      "3:11: 'jitter': invalid duration 'soon': write a number with a unit (500ms, 30s, 30m, "
      "1h, 14d) or plain seconds",
      "4:3: unknown key 'burst' in 'startup'"}},
    {"invalid-top-level.yaml",
     {"2:11: 'listen': expected HOST:PORT, got 'localhost'",
      "3:24: 'per_line_histograms': expected true or false, got 'sometimes'",
      "5:10: 'level': expected one of trace, debug, info, warn, error, got 'verbose'",
      "6:8: 'lines': at least one line is needed"}},
    {"invalid-two-password-forms.yaml",
     {"5:19: 'password_env': give only one of 'password', 'password_file', 'password_env'"}},
    {"invalid-unknown-key.yaml",
     {"2:3: unknown key 'keepalive_intervall' in 'defaults'; did you mean 'keepalive_interval'?",
      "7:31: unknown key 'transprt' in 'servers'; did you mean 'transport'?"}},
    {"invalid-unknown-transport.yaml",
     {"5:42: 'transport': unknown transport 'sctp'; expected udp, tcp or tls (or the phone's 0, 1, "
      "3)",
      "6:42: 'transport': unknown transport '2'; expected udp, tcp or tls (or the phone's 0, 1, "
      "3)"}},
    {"invalid-unreadable-password-file.yaml",
     {"4:20: 'password_file': cannot read 'TESTDATA/secrets/missing.txt'"}},
    {"invalid-unset-password-env.yaml",
     {"4:19: 'password_env': environment variable 'NOT_SET_ANYWHERE' is not set"}},
    {"invalid-wrong-type.yaml",
     {"2:11: 'timers': expected a mapping of keys to values",
      "3:23: 'unregister_on_exit': expected true or false, got 'maybe'",
      "8:37: 'port': expected an integer from 1 to 65535, got 'abc'",
      "9:18: 'address': expected a string, got a list"}},
};

INSTANTIATE_TEST_SUITE_P(Table, InvalidConfig, ::testing::ValuesIn(kInvalidCases),
                         [](const auto& info) {
                           std::string name = info.param.file.substr(8);  // after "invalid-"
                           name = name.substr(0, name.size() - 5);        // before ".yaml"
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(ConfigFile, MissingFileIsReportedWithoutPosition) {
  testing::FakeEnvironment env;
  LoadResult result = load_config_file(kTestData + "/does-not-exist.yaml", env);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            kTestData + "/does-not-exist.yaml: error: cannot read the file");
}

TEST(ConfigFile, DiagnosticReadsLikeACompilerError) {
  Diagnostic d{"site.yaml", 4, 7, "unknown key 'x' in 'lines'"};
  EXPECT_EQ(d.to_string(), "site.yaml:4:7: error: unknown key 'x' in 'lines'");
}

}  // namespace
}  // namespace sipsentry::config
