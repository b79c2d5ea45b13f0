#include "sip/sofia_log.h"

#include <cstdarg>
#include <cstdio>

#include "sip/sofia.h"

namespace sipsentry::sip {
namespace {

LogSink& current_sink() {
  static LogSink sink;
  return sink;
}

/// Sofia writes a line in several calls ("tport_udp_error: …" then
/// "\treported by …\n"): pieces are gathered until the newline.
std::string& pending_line() {
  static std::string line;
  return line;
}

void on_sofia_log(void*, char const* format, va_list arguments) {
  char piece[1024];
  std::vsnprintf(piece, sizeof piece, format, arguments);
  std::string& line = pending_line();
  line += piece;
  size_t newline;
  while ((newline = line.find('\n')) != std::string::npos) {
    std::string complete = line.substr(0, newline);
    line.erase(0, newline + 1);
    if (complete.find_first_not_of(" \t") == std::string::npos) continue;
    if (current_sink()) current_sink()(LogSeverity::kDebug, "sofia: " + complete);
  }
}

}  // namespace

void route_sofia_log(LogSink sink) {
  current_sink() = std::move(sink);
  su_log_redirect(nullptr, &on_sofia_log, nullptr);
}

}  // namespace sipsentry::sip
