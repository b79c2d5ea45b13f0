#include "support/sipp.h"

#include <ctime>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "common/udp_port.h"

namespace sipsentry::testing {
namespace {

/// "2026-11-24 08:49:29.662244", SIPp's local time with microseconds.
std::chrono::system_clock::time_point parse_stamp(const std::string& stamp) {
  std::tm local{};
  std::istringstream in(stamp);
  in >> std::get_time(&local, "%Y-%m-%d %H:%M:%S");
  local.tm_isdst = -1;
  double fraction = 0;
  size_t dot = stamp.find('.');
  if (dot != std::string::npos) fraction = std::stod("0" + stamp.substr(dot));
  auto seconds = std::chrono::system_clock::from_time_t(std::mktime(&local));
  return seconds + std::chrono::microseconds(static_cast<int64_t>(fraction * 1e6));
}

std::string header_value(const std::string& line, const std::string& name) {
  if (line.size() <= name.size() + 1 || line.compare(0, name.size() + 1, name + ":") != 0)
    return "";
  std::string value = line.substr(name.size() + 1);
  value.erase(0, value.find_first_not_of(' '));
  if (!value.empty() && value.back() == '\r') value.pop_back();
  return value;
}

}  // namespace

Sipp::Sipp(const ScratchDir& scratch, const std::string& name, const std::string& scenario)
    : message_log_(scratch.file(name + ".messages")), port_(free_port()) {
  process_ = std::make_unique<Process>(
      std::vector<std::string>{"sipp", "-sf", source_dir() + "/sipp/" + scenario, "-i", "127.0.0.1",
                               "-p", std::to_string(port_), "-t", "u1", "-nostdin", "-trace_msg",
                               "-message_file", message_log_},
      scratch.file(name + ".log"));
  if (!wait_until([this] { return udp_port_taken(port_); }, std::chrono::seconds(5)))
    throw std::runtime_error("sipp " + name + " did not start");
}

std::vector<ReceivedMessage> Sipp::received() const {
  // A log entry: a dashed line with the time, "UDP message received …",
  // an empty line, then the message itself.
  std::vector<ReceivedMessage> messages;
  std::istringstream log(read_file(message_log_));
  std::string line, stamp;
  bool receiving = false;
  while (std::getline(log, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with("-----")) {
      // SIPp's own notes (an aborted call …) are dashes alone: no time.
      size_t time = line.find_first_not_of("- ");
      if (time != std::string::npos) stamp = line.substr(time);
      receiving = false;
    } else if (line.find("message received") != std::string::npos) {
      receiving = true;
      messages.push_back({parse_stamp(stamp), "", "", ""});
    } else if (receiving && messages.back().start_line.empty() && !line.empty()) {
      messages.back().start_line = line;
      messages.back().text = line + "\n";
    } else if (receiving && !messages.back().start_line.empty()) {
      messages.back().text += line + "\n";
      if (messages.back().call_id.empty()) messages.back().call_id = header_value(line, "Call-ID");
    }
  }
  return messages;
}

std::vector<ReceivedMessage> Sipp::received(const std::string& method) const {
  std::vector<ReceivedMessage> matching;
  for (const ReceivedMessage& message : received())
    if (message.is(method)) matching.push_back(message);
  return matching;
}

}  // namespace sipsentry::testing
