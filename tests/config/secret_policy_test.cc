// Passwords only where they are used: validate and plan load a file whose
// passwords cannot be read here (kOptional) with a warning at the password's
// position; run and check (kRequired, and --strict) refuse it as before.
#include <gtest/gtest.h>

#include <string>

#include "config/load.h"
#include "fake_environment.h"

namespace sipsentry::config {
namespace {

const std::string kTestData = SIPSENTRY_CONFIG_TESTDATA;
const std::string kUnsetEnv = kTestData + "/invalid-unset-password-env.yaml";
const std::string kMissingFile = kTestData + "/invalid-unreadable-password-file.yaml";
const std::string kUnsetEnvMessage =
    "'password_env': environment variable 'NOT_SET_ANYWHERE' is not set";
const std::string kMissingFileMessage =
    "'password_file': cannot read '" + kTestData + "/secrets/missing.txt'";

TEST(SecretPolicy, BothFormsAreWarningsWithTheirPositionWhenOptional) {
  testing::FakeEnvironment env;
  struct Case {
    std::string file;
    int column;
    std::string message;
  };
  for (const Case& c :
       {Case{kUnsetEnv, 19, kUnsetEnvMessage}, Case{kMissingFile, 20, kMissingFileMessage}}) {
    SCOPED_TRACE(c.file);
    LoadResult result = load_config_file(c.file, env, SecretPolicy::kOptional);
    ASSERT_TRUE(result.config);
    EXPECT_TRUE(result.errors.empty());
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_EQ(result.warnings[0], (Diagnostic{c.file, 4, c.column, c.message, Severity::kWarning}));
    EXPECT_EQ(result.warnings[0].to_string(),
              c.file + ":4:" + std::to_string(c.column) + ": warning: " + c.message);
    // The line is still there, without a password: validate and plan never send one.
    EXPECT_TRUE(result.config->lines.at(0).password.empty());
  }
}

TEST(SecretPolicy, RequiredMakesBothFormsErrorsAsForRunAndCheck) {
  testing::FakeEnvironment env;
  for (const auto& [file, message] :
       {std::pair{kUnsetEnv, kUnsetEnvMessage}, std::pair{kMissingFile, kMissingFileMessage}}) {
    SCOPED_TRACE(file);
    LoadResult result = load_config_file(file, env, SecretPolicy::kRequired);
    EXPECT_FALSE(result.config);
    EXPECT_TRUE(result.warnings.empty());
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].severity, Severity::kError);
    EXPECT_EQ(result.errors[0].message, message);
  }
  // What run and check call: required unless said otherwise.
  LoadResult by_default = load_config_file(kUnsetEnv, env);
  EXPECT_FALSE(by_default.config);
  EXPECT_EQ(by_default.errors.size(), 1u);
}

TEST(SecretPolicy, AReadablePasswordIsReadWithoutWarning) {
  testing::FakeEnvironment env;
  env.variables["NOT_SET_ANYWHERE"] = "s3cret";
  LoadResult result = load_config_file(kUnsetEnv, env, SecretPolicy::kOptional);
  ASSERT_TRUE(result.config);
  EXPECT_TRUE(result.warnings.empty());
  EXPECT_EQ(result.config->lines.at(0).password.reveal(), "s3cret");
}

TEST(SecretPolicy, AWarningDoesNotHideARealError) {
  testing::FakeEnvironment env;
  LoadResult result = parse_config(R"(lines:
  - name: reception
    user: "1001"
    password_env: UNSET
    servers: [{address: 192.0.2.10, port: 0}]
)",
                                   "site.yaml", env, ".", SecretPolicy::kOptional);
  EXPECT_FALSE(result.config);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 5);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0].line, 4);
}

}  // namespace
}  // namespace sipsentry::config
