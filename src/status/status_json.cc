#include "status/status_json.h"

#include "cli/line_json.h"

namespace sipsentry::status {
namespace {

nlohmann::json switch_json(const cli::LineResult& line, const LineSwitch& move) {
  nlohmann::json out = {{"kind", move.failback ? "failback" : "failover"},
                        {"from", line.servers.at(move.from).server.name},
                        {"to", line.servers.at(move.to).server.name},
                        {"method", nullptr},
                        {"reason", nullptr},
                        {"at", unix_seconds(move.at)}};
  if (move.method) out["method"] = engine::to_string(*move.method);
  if (move.reason) out["reason"] = move.reason->label();
  return out;
}

}  // namespace

double unix_seconds(WallTime time) {
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
  return static_cast<double>(millis.count()) / 1000.0;
}

nlohmann::json status_line_json(const LineStatus& line) {
  // A server the daemon has not heard from yet has no outcome, and no
  // reason: the check's "check_timeout" does not apply.
  nlohmann::json out = cli::line_json(line.result, nullptr);
  out["since"] = unix_seconds(line.since);
  out["last_switch"] = line.last_switch ? switch_json(line.result, *line.last_switch) : nullptr;
  for (size_t i = 0; i < line.retry_after_until.size() && i < out["servers"].size(); ++i) {
    const std::optional<WallTime>& until = line.retry_after_until[i];
    out["servers"][i]["retry_after_until"] = until ? nlohmann::json(unix_seconds(*until)) : nullptr;
  }
  return out;
}

nlohmann::json lines_json(const std::vector<LineStatus>& lines, size_t matched,
                          const LineQuery& query) {
  nlohmann::json out = {{"schema", 1},
                        {"matched", matched},
                        {"offset", query.offset},
                        {"limit", query.limit},
                        {"lines", nlohmann::json::array()}};
  for (const LineStatus& line : lines) out["lines"].push_back(status_line_json(line));
  return out;
}

nlohmann::json events_json(const std::vector<EventEntry>& events, uint64_t after) {
  nlohmann::json out = {{"schema", 1},
                        {"last_sequence", events.empty() ? after : events.back().sequence},
                        {"events", nlohmann::json::array()}};
  for (const EventEntry& event : events)
    out["events"].push_back({{"sequence", event.sequence},
                             {"time", unix_seconds(event.time)},
                             {"line", event.line},
                             {"level", event.level},
                             {"text", event.text}});
  return out;
}

}  // namespace sipsentry::status
