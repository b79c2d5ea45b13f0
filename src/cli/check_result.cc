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

const char* role_of(const ServerResult& server) {
  return server.primary ? "primary" : "backup";
}

bool CallResult::as_expected() const {
  return kind == Kind::kFinished && engine::ended_as_expected(finished, expected_status);
}

bool CallResult::failed_over() const {
  if (kind != Kind::kFinished) return false;
  bool answered = finished.setup_to_answer.has_value();
  return !failovers.empty() || (finished.invite_server && finished.invite_server != server) ||
         (answered && finished.bye_server != finished.invite_server);
}

namespace {

CheckStatus registration_status(const LineResult& line) {
  // Refused or auth_failed counts as critical too: the line cannot register,
  // whatever the reason, and a phone on it would be silent.
  if (line.state != engine::LineState::kRegistered || !line.registered_server)
    return CheckStatus::kCritical;
  bool all_up = std::ranges::all_of(line.servers, [](const ServerResult& s) { return s.up; });
  if (!line.on_primary() || !all_up) return CheckStatus::kWarning;
  return CheckStatus::kOk;
}

/// A line without a test_call is not judged on calls. One with a test_call
/// whose call did not end as expected (or was not placed, or not over) is
/// critical: a phone on the line could not call. One that ended as expected
/// but had to fail over is a warning, as a registration on a backup is.
CheckStatus call_status(const CallResult& call) {
  if (call.kind == CallResult::Kind::kNotConfigured) return CheckStatus::kOk;
  if (!call.as_expected()) return CheckStatus::kCritical;
  return call.failed_over() ? CheckStatus::kWarning : CheckStatus::kOk;
}

}  // namespace

CheckStatus certificate_status(const ServerResult& server) {
  if (!server.certificate) return CheckStatus::kOk;
  switch (server.certificate->state()) {
    case tls::CertificateState::kExpiring:
      return CheckStatus::kWarning;
    case tls::CertificateState::kExpired:
    case tls::CertificateState::kNotYetValid:
      return CheckStatus::kCritical;
    case tls::CertificateState::kValid:
    case tls::CertificateState::kUnread:
      break;
  }
  return CheckStatus::kOk;
}

CheckStatus line_status(const LineResult& line) {
  CheckStatus status = registration_status(line);
  if (line.call) status = std::max(status, call_status(*line.call));
  for (const ServerResult& server : line.servers)
    status = std::max(status, certificate_status(server));
  return status;
}

CheckStatus overall_status(const std::vector<LineResult>& lines) {
  CheckStatus worst = CheckStatus::kOk;
  for (const LineResult& line : lines) worst = std::max(worst, line_status(line));
  return worst;
}

LineResult initial_line_result(const engine::LineSettings& line, bool calls) {
  LineResult result{.name = line.name};
  bool concurrent = line.redundancy == engine::Redundancy::kConcurrent;
  for (size_t i = 0; i < line.servers.size(); ++i) {
    result.servers.push_back({.server = line.servers[i], .primary = i == 0});
    if (concurrent) result.servers.back().holds_registration = false;
  }
  if (calls) result.call = CallResult{};
  if (calls && line.test_call)
    result.call = CallResult{.kind = CallResult::Kind::kNotPlaced,
                             .target = line.test_call->target,
                             .expected_status = line.test_call->expected_status};
  return result;
}

void record_request(LineResult& result, const engine::RequestFinished& finished) {
  ServerResult& server = result.servers.at(finished.server);
  server.probed = true;
  server.up = finished.available;
  server.method = finished.method;
  server.status = finished.status;
  server.reason = finished.reason;
  server.duration = finished.duration;
  server.target = finished.target;
}

ResultCollector::ResultCollector(const std::vector<engine::LineSettings>& lines, bool calls)
    : sealed_(lines.size(), false), calling_(lines.size(), false) {
  for (const engine::LineSettings& line : lines) {
    index_[line.name] = results_.size();
    results_.push_back(initial_line_result(line, calls));
  }
}

void ResultCollector::on_event(const engine::LineSettings& line, const engine::Event& event) {
  auto found = index_.find(line.name);
  if (found == index_.end()) return;
  LineResult& result = results_[found->second];
  if (calling_[found->second]) {
    record_call(result, event);
    if (result.call->kind == CallResult::Kind::kFinished) calling_[found->second] = false;
    return;
  }
  if (sealed_[found->second]) return;
  if (auto* finished = std::get_if<engine::RequestFinished>(&event.what))
    record_request(result, *finished);
  else if (auto* failover = std::get_if<engine::Failover>(&event.what))
    result.failover = *failover;
  else if (auto* changed = std::get_if<engine::StateChanged>(&event.what))
    result.state_reason = changed->reason;
}

void ResultCollector::record_call(LineResult& result, const engine::Event& event) {
  CallResult& call = *result.call;
  if (auto* finished = std::get_if<engine::TestCallFinished>(&event.what)) {
    call.finished = *finished;
    call.kind = CallResult::Kind::kFinished;
  } else if (auto* failover = std::get_if<engine::Failover>(&event.what)) {
    // The call's own: a keep-alive's failover meanwhile moves the line, not the call.
    if (failover->method == engine::Method::kInvite || failover->method == engine::Method::kBye)
      call.failovers.push_back(*failover);
  }
}

bool ResultCollector::decided(size_t index, const engine::LineEngine& engine) const {
  const LineResult& result = results_.at(index);
  // A concurrent line's servers each register on their own: the line is
  // decided once none of them is still registering.
  return engine.state() != engine::LineState::kRegistering && !engine.register_attempts_out() &&
         std::ranges::all_of(result.servers, [](const ServerResult& s) { return s.probed; });
}

void ResultCollector::seal(size_t index, const engine::LineEngine& engine, bool timed_out) {
  LineResult& result = results_.at(index);
  result.state = engine.state();
  result.registered_server = engine.registered_server();
  result.registered_target = engine.registered_target();
  result.off_primary_target = result.registered_server == 0 && !engine.on_primary();
  for (size_t i = 0; i < result.servers.size(); ++i)
    if (result.servers[i].holds_registration)
      result.servers[i].holds_registration = engine.holds_registration(i);
  result.timed_out = timed_out;
  sealed_.at(index) = true;
}

bool ResultCollector::call_due(size_t index) const {
  const LineResult& result = results_.at(index);
  return sealed_.at(index) && result.call && result.call->kind == CallResult::Kind::kNotPlaced &&
         !result.timed_out && result.state == engine::LineState::kRegistered &&
         result.registered_server;
}

void ResultCollector::call_placed(size_t index) {
  CallResult& call = *results_.at(index).call;
  call.kind = CallResult::Kind::kPending;
  call.server = results_.at(index).registered_server;
  calling_.at(index) = true;
}

bool ResultCollector::calling(size_t index) const {
  return calling_.at(index);
}

void ResultCollector::call_timed_out(size_t index) {
  calling_.at(index) = false;
  results_.at(index).timed_out = true;
}

}  // namespace sipsentry::cli
