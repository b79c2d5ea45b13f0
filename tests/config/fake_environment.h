#pragma once

#include <map>
#include <string>

#include "config/environment.h"

namespace sipsentry::config::testing {

/// Environment variables from a map; files from a map first, then the disk
/// (the test data directory), so that tests never touch the process.
class FakeEnvironment : public Environment {
 public:
  std::map<std::string, std::string> variables;
  std::map<std::string, std::string> files;

  std::optional<std::string> variable(const std::string& name) const override {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  }

  std::optional<std::string> read_file(const std::string& path) const override {
    if (auto found = files.find(path); found != files.end()) return found->second;
    return process_environment().read_file(path);
  }
};

}  // namespace sipsentry::config::testing
