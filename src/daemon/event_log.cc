#include "daemon/event_log.h"

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace sipsentry::daemon {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

const char* name_of(LogLevel level) {
  constexpr const char* kNames[] = {"trace", "debug", "info", "warn", "error"};
  return kNames[static_cast<int>(level)];
}

std::string seconds(engine::Millis duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3fs", duration.count() / 1000.0);
  return text;
}

/// A logfmt value: quoted when it holds a space, a quote or nothing.
std::string logfmt(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \"=") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) quoted += c == '"' ? std::string("\\\"") : std::string(1, c);
  return quoted + "\"";
}

std::string now_utc() {
  auto now = std::chrono::system_clock::now();
  std::time_t time = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  char text[40];
  std::tm utc{};
  gmtime_r(&time, &utc);
  std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%03lldZ",
                static_cast<long long>(millis.count()));
  return text;
}

/// The level of one event, known before its fields are made: an event
/// below the configured level (every single request's at the default info)
/// costs no text, where the log and the status board had made the fields
/// of every event and then dropped those of every request.
struct LevelOf {
  const engine::LineSettings& line;
  LogLevel operator()(const engine::Registered& e) const {
    return e.refresh ? LogLevel::kDebug : LogLevel::kInfo;
  }
  LogLevel operator()(const engine::RegisterFailure&) const { return LogLevel::kError; }
  LogLevel operator()(const engine::RequestFinished&) const { return LogLevel::kDebug; }
  LogLevel operator()(const engine::TestCallFinished& e) const {
    // A call that did not end as expected is worth a warning.
    std::optional<int> expected = line.test_call ? line.test_call->expected_status : std::nullopt;
    return ended_as_expected(e, expected) ? LogLevel::kInfo : LogLevel::kWarn;
  }
  // State changes, failovers, failbacks and failback probes.
  LogLevel operator()(const auto&) const { return LogLevel::kInfo; }
};

/// The fields of one event; servers are named as in metrics, and an SRV
/// target, when there is one, follows its server in a field of its own
/// ("target=HOST:PORT;transport=udp").
struct Describer {
  const engine::LineSettings& line;
  std::string server(size_t index) const { return line.servers.at(index).name; }
  /// `key`=the server's name, then `key`_target when it went to an SRV target.
  void add_server(Fields& fields, const std::string& key, size_t index,
                  const std::optional<engine::Target>& target) const {
    fields.emplace_back(key, server(index));
    if (target)
      fields.emplace_back(key == "server" ? "target" : key + "_target", target->describe());
  }

  Fields operator()(const engine::StateChanged& e) const {
    Fields fields{{"event", "state"}, {"from", to_string(e.from)}, {"to", to_string(e.to)}};
    if (e.reason) fields.emplace_back("reason", e.reason->label());
    return fields;
  }
  Fields operator()(const engine::Registered& e) const {
    Fields fields{{"event", e.refresh ? "refreshed" : "registered"}};
    add_server(fields, "server", e.server, e.target);
    fields.emplace_back("expires", seconds(e.expires));
    return fields;
  }
  Fields operator()(const engine::ServerRegistration& e) const {
    Fields fields{{"event", e.held ? "server_registered" : "server_unregistered"}};
    add_server(fields, "server", e.server, e.target);
    if (e.reason) fields.emplace_back("reason", e.reason->label());
    return fields;
  }
  Fields operator()(const engine::Failover& e) const {
    Fields fields{{"event", "failover"}};
    add_server(fields, "from", e.from, e.from_target);
    add_server(fields, "to", e.to, e.to_target);
    fields.insert(fields.end(), {{"method", to_string(e.method)},
                                 {"reason", e.reason.label()},
                                 {"detection", seconds(e.detection)}});
    return fields;
  }
  Fields operator()(const engine::Failback& e) const {
    Fields fields{{"event", "failback"}};
    add_server(fields, "from", e.from, e.from_target);
    add_server(fields, "to", e.to, e.to_target);
    return fields;
  }
  Fields operator()(const engine::FailbackProbe& e) const {
    Fields fields{{"event", "failback_probe"}, {"result", to_string(e.result)}};
    if (e.reason) fields.emplace_back("reason", e.reason->label());
    return fields;
  }
  Fields operator()(const engine::RegisterFailure& e) const {
    return {{"event", "register_failure"},
            {"reason", e.last_reason.label()},
            {"retry_in", seconds(e.retry_in)}};
  }
  Fields operator()(const engine::RequestFinished& e) const {
    Fields fields{{"event", "request"}};
    add_server(fields, "server", e.server, e.target);
    fields.insert(fields.end(), {{"method", to_string(e.method)},
                                 {"outcome", e.outcome},
                                 {"duration", seconds(e.duration)}});
    if (e.status) fields.emplace_back("status", std::to_string(e.status));
    return fields;
  }
  Fields operator()(const engine::TestCallFinished& e) const {
    Fields fields{{"event", "test_call"}, {"result", e.result}};
    if (e.invite_server) fields.emplace_back("invite_server", server(*e.invite_server));
    if (e.bye_server) fields.emplace_back("bye_server", server(*e.bye_server));
    if (e.setup_to_first_18x)
      fields.emplace_back("post_dial_delay", seconds(*e.setup_to_first_18x));
    if (e.setup_to_answer) fields.emplace_back("setup", seconds(*e.setup_to_answer));
    if (e.cancelled) fields.emplace_back("cancelled", "true");
    return fields;
  }
};

}  // namespace

LogLevel parse_log_level(const std::string& name) {
  for (LogLevel level :
       {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError})
    if (name == name_of(level)) return level;
  return LogLevel::kInfo;
}

namespace {

/// The event's fields, its line first.
Fields fields_of(const engine::LineSettings& line, const engine::Event& event) {
  Fields fields{{"line", line.name}};
  Fields described = std::visit(Describer{line}, event.what);
  fields.insert(fields.end(), std::make_move_iterator(described.begin()),
                std::make_move_iterator(described.end()));
  return fields;
}

/// " key=value …" in logfmt.
std::string logfmt_fields(const Fields& fields) {
  std::string text;
  for (const auto& [key, value] : fields) text.append(" ").append(key).append("=") += logfmt(value);
  return text;
}

}  // namespace

const char* EventLog::level_name(LogLevel level) {
  return name_of(level);
}

LogLevel EventLog::level_of(const engine::LineSettings& line, const engine::Event& event) {
  return std::visit(LevelOf{line}, event.what);
}

std::string EventLog::text_of(const engine::LineSettings& line, const engine::Event& event) {
  return logfmt_fields(fields_of(line, event)).substr(1);
}

std::pair<LogLevel, std::string> EventLog::describe(const engine::LineSettings& line,
                                                    const engine::Event& event) {
  return {level_of(line, event), text_of(line, event)};
}

void EventLog::on_event(const engine::LineSettings& line, const engine::Event& event) {
  LogLevel level = level_of(line, event);
  if (level < level_) return;
  Fields fields = fields_of(line, event);
  if (format_ == Format::kJson) {
    nlohmann::ordered_json out = {{"ts", now_utc()}, {"level", name_of(level)}};
    for (const auto& [key, value] : fields) out[key] = value;
    return write_line(out.dump());
  }
  write_line("ts=" + now_utc() + " level=" + name_of(level) + logfmt_fields(fields));
}

void EventLog::message(LogLevel level, const std::string& text) {
  if (level < level_) return;
  if (format_ == Format::kJson) {
    nlohmann::ordered_json out = {{"ts", now_utc()}, {"level", name_of(level)}, {"msg", text}};
    return write_line(out.dump());
  }
  write_line("ts=" + now_utc() + " level=" + name_of(level) + " msg=" + logfmt(text));
}

void EventLog::write_line(std::string line) {
  // One write a line: std::cerr flushes after every <<, and ten writes a
  // line were most of the log's cost at 10,000 lines' start-up.
  line += '\n';
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
}

}  // namespace sipsentry::daemon
