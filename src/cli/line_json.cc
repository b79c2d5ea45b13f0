// The JSON of one line's result: `check --format json`'s lines[] and the
// daemon's /api/v1/lines, one schema.
#include "cli/line_json.h"

#include <cstdint>

namespace sipsentry::cli {
namespace {

/// {"host", "port", "transport"}: an SRV target.
nlohmann::json target_json(const engine::Target& target) {
  return {{"host", target.host},
          {"port", target.port},
          {"transport", engine::to_string(target.transport)}};
}

/// Whole Unix seconds: a certificate's dates have no fraction.
int64_t unix_seconds(tls::WallTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

/// A TLS server's certificate: its chain's earliest notAfter and latest
/// notBefore (Unix seconds), its state as read, and why the last read
/// failed; all null for a server whose certificate is not read.
void add_certificate(nlohmann::json& out, const ServerResult& server) {
  out["certificate_expiry"] = nullptr;
  out["certificate_not_before"] = nullptr;
  out["certificate_state"] = nullptr;
  out["certificate_error"] = nullptr;
  if (!server.certificate) return;
  const tls::CertificateReading& reading = *server.certificate;
  out["certificate_state"] = tls::to_string(reading.state());
  if (!reading.error.empty()) out["certificate_error"] = reading.error;
  if (!reading.dates) return;
  out["certificate_expiry"] = unix_seconds(reading.dates->earliest_not_after);
  out["certificate_not_before"] = unix_seconds(reading.dates->latest_not_before);
}

nlohmann::json server_json(const ServerResult& server, const char* unprobed_reason) {
  nlohmann::json out = {{"name", server.server.name},
                        {"role", role_of(server)},
                        {"address", server.server.address},
                        {"port", server.server.port},
                        {"transport", engine::to_string(server.server.transport)},
                        {"probed", server.probed},
                        {"up", server.up},
                        {"method", nullptr},
                        {"status", nullptr},
                        {"reason", nullptr},
                        {"rtt_seconds", nullptr}};
  if (server.probed) out["method"] = engine::to_string(server.method);
  if (server.status != 0) out["status"] = server.status;
  if (server.reason) out["reason"] = server.reason->label();
  if (!server.probed) out["reason"] = unprobed_reason ? nlohmann::json(unprobed_reason) : nullptr;
  if (auto rtt = server.rtt()) out["rtt_seconds"] = rtt->count() / 1000.0;
  if (server.target) out["target"] = target_json(*server.target);
  if (server.holds_registration) out["holds_registration"] = *server.holds_registration;
  add_certificate(out, server);
  return out;
}

nlohmann::json failover_json(const LineResult& line, const engine::Failover& failover) {
  nlohmann::json out = {{"from", line.servers.at(failover.from).server.name},
                        {"to", line.servers.at(failover.to).server.name},
                        {"method", engine::to_string(failover.method)},
                        {"reason", failover.reason.label()},
                        {"detection_seconds", failover.detection.count() / 1000.0}};
  if (failover.from_target) out["from_target"] = target_json(*failover.from_target);
  if (failover.to_target) out["to_target"] = target_json(*failover.to_target);
  return out;
}

/// Why no call was placed: "no_test_call", "not_registered", "check_timeout"; else null.
nlohmann::json call_skipped(const LineResult& line, const CallResult& call) {
  if (call.kind == CallResult::Kind::kNotConfigured) return "no_test_call";
  if (call.kind != CallResult::Kind::kNotPlaced) return nullptr;
  return line.state == engine::LineState::kRegistered ? "check_timeout" : "not_registered";
}

nlohmann::json call_json(const LineResult& line, const CallResult& call) {
  const engine::TestCallFinished& finished = call.finished;
  bool over = call.kind == CallResult::Kind::kFinished;
  nlohmann::json out = {{"placed", call.placed()},
                        {"skipped", call_skipped(line, call)},
                        {"target", nullptr},
                        {"expected_status", nullptr},
                        {"result", nullptr},
                        {"as_expected", call.as_expected()},
                        {"failed_over", call.failed_over()},
                        {"cancelled", over && finished.cancelled},
                        {"invite_server", nullptr},
                        {"invite_role", nullptr},
                        {"bye_server", nullptr},
                        {"bye_role", nullptr},
                        {"post_dial_delay_seconds", nullptr},
                        {"setup_seconds", nullptr},
                        {"failovers", nlohmann::json::array()}};
  if (!call.target.empty()) out["target"] = call.target;
  if (call.expected_status) out["expected_status"] = *call.expected_status;
  if (!over) return out;
  out["result"] = finished.result;
  auto name = [&line, &out](const char* key, const char* role_key, std::optional<size_t> index) {
    if (!index) return;
    out[key] = line.servers.at(*index).server.name;
    out[role_key] = role_of(line.servers.at(*index));
  };
  name("invite_server", "invite_role", finished.invite_server);
  name("bye_server", "bye_role", finished.bye_server);
  if (finished.setup_to_first_18x)
    out["post_dial_delay_seconds"] = finished.setup_to_first_18x->count() / 1000.0;
  if (finished.setup_to_answer) out["setup_seconds"] = finished.setup_to_answer->count() / 1000.0;
  for (const engine::Failover& failover : call.failovers)
    out["failovers"].push_back(failover_json(line, failover));
  return out;
}

}  // namespace

nlohmann::json line_json(const LineResult& line, const char* unprobed_reason) {
  nlohmann::json out = {{"name", line.name},
                        {"status", to_string(line_status(line))},
                        {"state", engine::to_string(line.state)},
                        {"reason", nullptr},
                        {"timed_out", line.timed_out},
                        {"registered_server", nullptr},
                        {"registered_role", nullptr},
                        {"on_primary", false},
                        {"failover_detected", line.failover.has_value()},
                        {"failover", nullptr},
                        {"servers", nlohmann::json::array()}};
  if (line.state_reason && line.state != engine::LineState::kRegistered)
    out["reason"] = line.state_reason->label();
  if (line.state == engine::LineState::kRegistered && line.registered_server) {
    const ServerResult& on = line.servers.at(*line.registered_server);
    out["registered_server"] = on.server.name;
    out["registered_role"] = role_of(on);
    out["on_primary"] = line.on_primary();
    if (line.registered_target) out["registered_target"] = target_json(*line.registered_target);
  }
  if (line.failover) out["failover"] = failover_json(line, *line.failover);
  for (const ServerResult& server : line.servers)
    out["servers"].push_back(server_json(server, unprobed_reason));
  out["test_call"] = line.call ? call_json(line, *line.call) : nullptr;
  return out;
}

}  // namespace sipsentry::cli
