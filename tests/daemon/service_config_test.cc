// What one `run` instance takes of a shared file: its shard of the lines and
// its own addresses, at start-up and at every reload alike.
#include "daemon/service_config.h"

#include <gtest/gtest.h>

#include <set>

#include "config/fake_environment.h"

namespace sipsentry::daemon {
namespace {

const std::string kPath = "/etc/sipsentry/shared.yaml";

std::string file_of(const std::vector<std::string>& names) {
  std::string text =
      "metrics: {listen: 127.0.0.1:9730}\n"
      "sip: {bind: 0.0.0.0:5062}\n"
      "lines:\n";
  for (const std::string& name : names)
    text += "  - {name: " + name + ", user: \"1\", servers: [{address: 192.0.2.10}]}\n";
  return text;
}

std::vector<std::string> names_of(const ServiceConfig& loaded) {
  std::vector<std::string> names;
  for (const config::LineConfig& line : loaded.loaded.config->lines)
    names.push_back(line.settings.name);
  return names;
}

class ServiceConfigTest : public ::testing::Test {
 protected:
  ServiceConfig load(const ServiceOptions& options) {
    ServiceConfig loaded = load_service_config(options, environment_);
    for (const config::Diagnostic& error : loaded.loaded.errors) ADD_FAILURE() << error.to_string();
    return loaded;
  }
  void write(const std::vector<std::string>& names) { environment_.files[kPath] = file_of(names); }

  config::testing::FakeEnvironment environment_;
};

TEST_F(ServiceConfigTest, WithoutOptionsTheFileRunsAsWritten) {
  write({"a", "b", "c"});
  ServiceConfig loaded = load({.config_path = kPath});
  EXPECT_EQ(names_of(loaded), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(loaded.shard);
  EXPECT_EQ(loaded.loaded.config->metrics.listen, "127.0.0.1:9730");
  EXPECT_EQ(loaded.loaded.config->sip.bind, std::vector<std::string>{"0.0.0.0:5062"});
  EXPECT_EQ(shard_note(loaded), "");
  EXPECT_FALSE(shard_is_empty(loaded));
}

TEST_F(ServiceConfigTest, EachInstanceRunsItsShardOnItsOwnAddresses) {
  const std::vector<std::string> names = {"desk-1", "desk-2", "desk-3", "desk-4", "desk-5"};
  write(names);
  std::multiset<std::string> all;
  for (int number : {1, 2}) {
    ServiceConfig loaded = load({.config_path = kPath,
                                 .shard = config::Shard{number, 2},
                                 .metrics_listen = "127.0.0.1:973" + std::to_string(number),
                                 .sip_bind = {"0.0.0.0:506" + std::to_string(number)}});
    for (const std::string& name : names_of(loaded)) {
      EXPECT_EQ(config::shard_number_of(name, 2), number) << name;
      all.insert(name);
    }
    EXPECT_EQ(loaded.loaded.config->metrics.listen, "127.0.0.1:973" + std::to_string(number));
    EXPECT_EQ(loaded.loaded.config->sip.bind,
              std::vector<std::string>{"0.0.0.0:506" + std::to_string(number)});
    EXPECT_EQ(shard_note(loaded), " (shard " + std::to_string(number) + "/2: " +
                                      std::to_string(names_of(loaded).size()) + " of 5 lines)");
  }
  EXPECT_EQ(all, std::multiset<std::string>(names.begin(), names.end()));
}

// A reload reads the file again through the same function: a line added to
// the file joins only the shard its name hashes to.
TEST_F(ServiceConfigTest, AReloadedFileIsCutToTheShardAgain) {
  write({"desk-1", "desk-2"});
  ServiceOptions options{.config_path = kPath, .shard = config::Shard{1, 2}};
  size_t before = names_of(load(options)).size();
  write({"desk-1", "desk-2", "desk-3", "desk-4", "desk-5", "desk-6"});
  ServiceConfig reloaded = load(options);
  for (const std::string& name : names_of(reloaded)) EXPECT_EQ(config::shard_number_of(name, 2), 1);
  EXPECT_EQ(reloaded.shard->total, 6u);
  EXPECT_GT(reloaded.shard->kept, before);
}

TEST_F(ServiceConfigTest, AShardWithoutLinesIsNoMistake) {
  write({"reception"});
  int other = 3 - config::shard_number_of("reception", 2);
  ServiceConfig loaded = load({.config_path = kPath, .shard = config::Shard{other, 2}});
  ASSERT_TRUE(loaded.loaded.config);
  EXPECT_TRUE(loaded.loaded.config->lines.empty());
  EXPECT_TRUE(shard_is_empty(loaded));
}

TEST_F(ServiceConfigTest, ABrokenFileIsReportedWhateverTheShard) {
  environment_.files[kPath] = "lines: []\n";
  ServiceConfig loaded =
      load_service_config({.config_path = kPath, .shard = config::Shard{1, 2}}, environment_);
  EXPECT_FALSE(loaded.loaded.config);
  EXPECT_FALSE(loaded.loaded.errors.empty());
  EXPECT_FALSE(loaded.shard);
}

// run sends the passwords: one it cannot read stops a start or a reload,
// unlike validate and plan, which only warn.
TEST_F(ServiceConfigTest, APasswordThatCannotBeReadIsAnError) {
  environment_.files[kPath] =
      "lines:\n  - {name: a, user: \"1\", password_env: UNSET, servers: [{address: "
      "192.0.2.10}]}\n";
  ServiceConfig loaded = load_service_config({.config_path = kPath}, environment_);
  EXPECT_FALSE(loaded.loaded.config);
  EXPECT_TRUE(loaded.loaded.warnings.empty());
  ASSERT_EQ(loaded.loaded.errors.size(), 1u);
  EXPECT_EQ(loaded.loaded.errors[0].to_string(),
            kPath + ":2:40: error: 'password_env': environment variable 'UNSET' is not set");
}

}  // namespace
}  // namespace sipsentry::daemon
