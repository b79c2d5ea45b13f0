// The configuration loader: any text gives a configuration or errors that
// point into the text, never both; a configuration it accepts is one the
// engine can start. Passwords come from a fixed fake environment, so that
// the target never reads the process's environment or disk.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "config/load.h"
#include "engine/line_engine.h"
#include "fuzz_check.h"

namespace {

using namespace sipsentry;

constexpr const char* kFileName = "fuzz.yaml";

/// One variable and one password file; any other name is unset or unreadable.
class FixedEnvironment : public config::Environment {
 public:
  std::optional<std::string> variable(const std::string& name) const override {
    if (name == "SIP_PASSWORD") return "secret";
    return std::nullopt;
  }
  std::optional<std::string> read_file(const std::string& path) const override {
    if (path == "/fuzz/password") return "secret\n";
    return std::nullopt;
  }
};

void check_diagnostics(const std::vector<config::Diagnostic>& diagnostics,
                       config::Severity severity, int lines) {
  for (const config::Diagnostic& d : diagnostics) {
    FUZZ_CHECK(d.severity == severity, "errors and warnings apart");
    FUZZ_CHECK(!d.message.empty(), "a diagnostic says what is wrong");
    FUZZ_CHECK(d.line >= 0 && d.line <= lines + 1, "a diagnostic's line is in the text");
    FUZZ_CHECK(d.line == 0 || d.column >= 1, "a positioned diagnostic has a column");
  }
  auto position = [](const config::Diagnostic& d) { return std::pair(d.line, d.column); };
  FUZZ_CHECK(std::ranges::is_sorted(diagnostics, {}, position), "diagnostics top to bottom");
}

/// The engine starts the line: every request has a budget and its planned
/// sends within it, every timer a delay that is not negative.
void check_engine_starts(const engine::LineSettings& settings) {
  engine::LineEngine engine(settings);
  for (const engine::Action& action : engine.start(engine::Millis(0))) {
    if (const auto* send = std::get_if<engine::SendRequest>(&action)) {
      FUZZ_CHECK(send->budget > engine::Millis(0), "a request has a budget");
      FUZZ_CHECK(!send->sends.empty() && send->sends.front() == engine::Millis(0),
                 "a request is sent at once");
      FUZZ_CHECK(std::ranges::is_sorted(send->sends) && send->sends.back() <= send->budget,
                 "retransmissions in order, within the budget");
    } else if (const auto* timer = std::get_if<engine::StartTimer>(&action)) {
      FUZZ_CHECK(timer->delay >= engine::Millis(0), "a timer is not in the past");
    }
  }
}

void check_config(const config::Config& config) {
  FUZZ_CHECK(!config.lines.empty(), "a configuration has lines");
  std::set<std::string> names;
  for (const config::LineConfig& line : config.lines) {
    const engine::LineSettings& s = line.settings;
    FUZZ_CHECK(names.insert(s.name).second, "line names are unique");
    FUZZ_CHECK(!s.servers.empty() && s.servers.size() <= 8, "one to eight servers");
    std::set<std::string> servers;
    for (const engine::Server& server : s.servers) {
      FUZZ_CHECK(servers.insert(server.name).second, "server names are unique in a line");
      FUZZ_CHECK(!server.address.empty(), "a server has an address");
    }
    FUZZ_CHECK(s.refresh_ratio > 0 && s.refresh_ratio < 1, "refresh_ratio in (0, 1)");
    check_engine_starts(s);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int lines = static_cast<int>(std::ranges::count(text, '\n')) + 1;
  FixedEnvironment env;
  for (auto secrets : {config::SecretPolicy::kRequired, config::SecretPolicy::kOptional}) {
    config::LoadResult result = config::parse_config(text, kFileName, env, "/fuzz", secrets);
    FUZZ_CHECK(result.config.has_value() == result.errors.empty(),
               "a configuration or errors, never both");
    check_diagnostics(result.errors, config::Severity::kError, lines);
    check_diagnostics(result.warnings, config::Severity::kWarning, lines);
    if (result.config) check_config(*result.config);
  }
  return 0;
}
