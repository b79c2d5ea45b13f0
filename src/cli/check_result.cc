#include "cli/check_result.h"

#include <algorithm>
#include <variant>

#include "cli/exit_codes.h"

namespace sipsentry::cli {

const char* to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::kOk:
      return "ok";
    case CheckStatus::kWarning:
      return "warning";
    case CheckStatus::kCritical:
      return "critical";
    case CheckStatus::kUnknown:
      return "unknown";
  }
  return "unknown";
}

int exit_code_of(CheckStatus status) {
  switch (status) {
    case CheckStatus::kOk:
      return kExitOk;
    case CheckStatus::kWarning:
      return kExitWarning;
    case CheckStatus::kCritical:
      return kExitCritical;
    case CheckStatus::kUnknown:
      return kExitUsage;
  }
  return kExitUsage;
}

CheckStatus line_status(const LineResult& line) {
  // Refused or auth_failed counts as critical too: the line cannot register,
  // whatever the reason, and a phone on it would be silent.
  if (line.state != engine::LineState::kRegistered || !line.registered_server)
    return CheckStatus::kCritical;
  bool all_up = std::ranges::all_of(line.servers, [](const ServerResult& s) { return s.up; });
  if (*line.registered_server != 0 || !all_up) return CheckStatus::kWarning;
  return CheckStatus::kOk;
}

CheckStatus overall_status(const std::vector<LineResult>& lines) {
  CheckStatus worst = CheckStatus::kOk;
  for (const LineResult& line : lines) worst = std::max(worst, line_status(line));
  return worst;
}

ResultCollector::ResultCollector(const std::vector<engine::LineSettings>& lines)
    : sealed_(lines.size(), false) {
  for (const engine::LineSettings& line : lines) {
    index_[line.name] = results_.size();
    LineResult result{.name = line.name};
    for (size_t i = 0; i < line.servers.size(); ++i)
      result.servers.push_back({.server = line.servers[i], .primary = i == 0});
    results_.push_back(std::move(result));
  }
}

void ResultCollector::on_event(const engine::LineSettings& line, const engine::Event& event) {
  auto found = index_.find(line.name);
  if (found == index_.end() || sealed_[found->second]) return;
  LineResult& result = results_[found->second];
  if (auto* finished = std::get_if<engine::RequestFinished>(&event.what))
    record(result, *finished);
  else if (auto* failover = std::get_if<engine::Failover>(&event.what))
    result.failover = *failover;
  else if (auto* changed = std::get_if<engine::StateChanged>(&event.what))
    result.state_reason = changed->reason;
}

void ResultCollector::record(LineResult& result, const engine::RequestFinished& finished) {
  ServerResult& server = result.servers.at(finished.server);
  server.probed = true;
  server.up = finished.available;
  server.method = finished.method;
  server.status = finished.status;
  server.reason = finished.reason;
  server.duration = finished.duration;
}

bool ResultCollector::decided(size_t index, const engine::LineEngine& engine) const {
  const LineResult& result = results_.at(index);
  return engine.state() != engine::LineState::kRegistering &&
         std::ranges::all_of(result.servers, [](const ServerResult& s) { return s.probed; });
}

void ResultCollector::seal(size_t index, const engine::LineEngine& engine, bool timed_out) {
  LineResult& result = results_.at(index);
  result.state = engine.state();
  result.registered_server = engine.registered_server();
  result.timed_out = timed_out;
  sealed_.at(index) = true;
}

}  // namespace sipsentry::cli
