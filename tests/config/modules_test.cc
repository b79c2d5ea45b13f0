// `modules` and `probe`: what /probe may do, read with their defaults.
#include <gtest/gtest.h>

#include "config/load.h"
#include "fake_environment.h"

namespace sipsentry::config {
namespace {

constexpr const char* kLines = R"(
lines:
  - {name: reception, user: "1001", servers: [{address: 192.0.2.10}]}
)";

LoadResult load(const std::string& head, const testing::FakeEnvironment& env) {
  return parse_config(head + kLines, "probe.yaml", env, ".");
}

TEST(ProbeModules, AreReadWithTheirDefaults) {
  testing::FakeEnvironment env;
  env.variables["PROBE_PASSWORD"] = "s3cret";
  LoadResult result = load(R"(
modules:
  sip_options: {}
  sip_register: {method: REGISTER, user: "1001", password_env: PROBE_PASSWORD,
                 domain: pbx.example.com, transport: tcp, timeout: 3s,
                 tls: {verify: false, ca_file: /etc/ssl/pbx.pem}}
)",
                           env);
  ASSERT_TRUE(result.config) << result.errors.front().to_string();
  const auto& modules = result.config->modules;
  ASSERT_EQ(modules.size(), 2u);
  const ProbeModule& options = modules.at("sip_options");
  EXPECT_EQ(options.method, engine::Method::kOptions);
  EXPECT_EQ(options.timeout, engine::Millis(5000));
  EXPECT_FALSE(options.transport.has_value());
  EXPECT_TRUE(options.password.empty());
  const ProbeModule& reg = modules.at("sip_register");
  EXPECT_EQ(reg.method, engine::Method::kRegister);
  EXPECT_EQ(reg.user, "1001");
  EXPECT_EQ(reg.password.reveal(), "s3cret");
  EXPECT_EQ(reg.domain, "pbx.example.com");
  EXPECT_EQ(reg.transport, engine::Transport::kTcp);
  EXPECT_EQ(reg.timeout, engine::Millis(3000));
  EXPECT_FALSE(reg.tls_verify);
  EXPECT_EQ(reg.tls_ca_file, "/etc/ssl/pbx.pem");
  EXPECT_TRUE(options.tls_verify);
}

TEST(ProbeModules, WithoutTheSectionsNoModuleAndLoopbackOnly) {
  testing::FakeEnvironment env;
  LoadResult result = load("", env);
  ASSERT_TRUE(result.config);
  EXPECT_TRUE(result.config->modules.empty());
  EXPECT_TRUE(result.config->probe.allowed_targets.allows("127.0.0.1"));
  EXPECT_FALSE(result.config->probe.allowed_targets.allows("192.0.2.10"));
}

TEST(ProbeModules, AllowedTargetsReplaceTheDefault) {
  testing::FakeEnvironment env;
  LoadResult result = load("probe: {allowed_targets: [192.0.2.0/24, pbx.example.com]}\n", env);
  ASSERT_TRUE(result.config);
  const AllowedTargets& allowed = result.config->probe.allowed_targets;
  EXPECT_TRUE(allowed.allows("192.0.2.10"));
  EXPECT_TRUE(allowed.allows("pbx.example.com"));
  EXPECT_FALSE(allowed.allows("127.0.0.1"));
  EXPECT_EQ(allowed.entries(), (std::vector<std::string>{"192.0.2.0/24", "pbx.example.com"}));
}

TEST(ProbeModules, AnUnsetPasswordIsAWarningForValidate) {
  testing::FakeEnvironment env;
  LoadResult result = parse_config(
      std::string("modules: {r: {method: REGISTER, user: u, password_env: NOPE}}\n") + kLines,
      "probe.yaml", env, ".", SecretPolicy::kOptional);
  ASSERT_TRUE(result.config);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0].message, "'password_env': environment variable 'NOPE' is not set");
}

TEST(ProbeModules, CheckNeedsTheLinesPasswordsButNotTheModules) {
  // check never sends a module's REGISTER (only run's /probe does): an
  // unset module password is a warning for it, an unset line's an error.
  testing::FakeEnvironment env;
  std::string yaml =
      "modules: {r: {method: REGISTER, user: u, password_env: NOPE}}\n"
      "lines: [{name: a, user: '1', password_env: LINE, servers: [{address: "
      "192.0.2.10}]}]\n";
  LoadResult without_line = parse_config(yaml, "probe.yaml", env, ".", SecretPolicy::kLines);
  ASSERT_EQ(without_line.errors.size(), 1u);
  EXPECT_EQ(without_line.errors[0].message,
            "'password_env': environment variable 'LINE' is not set");
  env.variables["LINE"] = "s3cret";
  LoadResult with_line = parse_config(yaml, "probe.yaml", env, ".", SecretPolicy::kLines);
  ASSERT_TRUE(with_line.config);
  ASSERT_EQ(with_line.warnings.size(), 1u);
  EXPECT_EQ(with_line.warnings[0].message,
            "'password_env': environment variable 'NOPE' is not set");
  EXPECT_FALSE(parse_config(yaml, "probe.yaml", env, ".", SecretPolicy::kRequired).config);
}

// config/probe.yaml, the README's example, stays a good file.
TEST(ProbeModules, TheExampleFileLoads) {
  testing::FakeEnvironment env;
  env.variables["PROBE_SIP_PASSWORD"] = "s3cret";
  env.variables["RECEPTION_SIP_PASSWORD"] = "x";
  LoadResult result = load_config_file(SIPSENTRY_PROBE_EXAMPLE, env);
  ASSERT_TRUE(result.config) << result.errors.front().to_string();
  EXPECT_TRUE(result.warnings.empty());
  const auto& modules = result.config->modules;
  EXPECT_EQ(modules.size(), 3u);
  EXPECT_EQ(modules.at("sip_register").password.reveal(), "s3cret");
  EXPECT_EQ(modules.at("sip_tcp").transport, engine::Transport::kTcp);
  EXPECT_TRUE(result.config->probe.allowed_targets.allows("192.0.2.44"));
  EXPECT_TRUE(result.config->probe.allowed_targets.allows("pbx-b.example.com"));
  EXPECT_FALSE(result.config->probe.allowed_targets.allows("pbx-a.example.com"));
}

}  // namespace
}  // namespace sipsentry::config
