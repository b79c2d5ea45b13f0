#pragma once

#include <ostream>
#include <string>
#include <utility>

#include "daemon/event_observer.h"

namespace sipsentry::daemon {

/// Severity of a log line; the configured level drops the ones below it.
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };
LogLevel parse_log_level(const std::string& name);  // "info" …; unknown names are info

/// Writes one line per event: logfmt (`key=value …`) or JSON lines. Line
/// switches are at info level, so that the journal of the service reads as
/// a history of failovers and failbacks; single requests are at debug.
class EventLog : public EventObserver {
 public:
  enum class Format { kText, kJson };
  EventLog(std::ostream& out, Format format, LogLevel level)
      : out_(out), format_(format), level_(level) {}

  /// The format and level of a configuration's `log` section.
  static Format format_named(const std::string& name) {
    return name == "json" ? Format::kJson : Format::kText;
  }
  /// A reload may change the format and the level.
  void reconfigure(Format format, LogLevel level) {
    format_ = format;
    level_ = level;
  }

  void on_event(const engine::LineSettings& line, const engine::Event& event) override;
  /// The level of `event` and its text line as the text format writes it
  /// after ts= and level=: "line=desk event=failover from=pbx-a …". The
  /// status page shows the recent events so.
  static std::pair<LogLevel, std::string> describe(const engine::LineSettings& line,
                                                   const engine::Event& event);
  /// describe()'s level alone, without making the text: cheap, so that an
  /// event below a level is dropped before its text is made.
  static LogLevel level_of(const engine::LineSettings& line, const engine::Event& event);
  /// describe()'s text alone.
  static std::string text_of(const engine::LineSettings& line, const engine::Event& event);
  /// "trace", "debug", "info", "warn", "error".
  static const char* level_name(LogLevel level);
  /// A message that is not an engine event (start-up, shutdown, errors).
  void message(LogLevel level, const std::string& text);

 private:
  void write_line(std::string line);

  std::ostream& out_;
  Format format_;
  LogLevel level_;
};

}  // namespace sipsentry::daemon
