// Durations, HOST:PORT and sip:/sips: URIs as an operator or a file writes
// them: any text gives a value within the documented limits or a message,
// and what it gives reads back the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "config/duration.h"
#include "config/host_port.h"
#include "fuzz_check.h"
#include "sip/target.h"

namespace {

using sipsentry::engine::Millis;

// duration.cc: "too long" beyond 10^12 ms.
constexpr Millis kLongestDuration{1'000'000'000'000};

void check_duration(std::string_view text) {
  auto parsed = sipsentry::config::parse_duration(text);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    FUZZ_CHECK(!message->empty(), "a refused duration says why");
    return;
  }
  Millis millis = std::get<Millis>(parsed);
  FUZZ_CHECK(millis >= Millis(0) && millis <= kLongestDuration, "a duration within its limits");
  // What the plan and the logs print reads back as the same duration.
  auto again = sipsentry::config::parse_duration(std::to_string(millis.count()) + "ms");
  FUZZ_CHECK(std::holds_alternative<Millis>(again) && std::get<Millis>(again) == millis,
             "a duration round-trips through milliseconds");
}

void check_host_port(std::string_view text) {
  if (!sipsentry::config::is_host_port(text)) return;
  size_t colon = text.rfind(':');
  FUZZ_CHECK(colon != std::string_view::npos && colon > 0, "a host before the port");
  std::string_view port = text.substr(colon + 1);
  FUZZ_CHECK(!port.empty() && port.size() <= 5, "a port of one to five digits");
  unsigned value = 0;
  for (char digit : port) {
    FUZZ_CHECK(digit >= '0' && digit <= '9', "a port of digits only");
    value = value * 10 + unsigned(digit - '0');
  }
  FUZZ_CHECK(value <= 65535, "a port within 0-65535");
}

void check_target(std::string_view text) {
  std::string error;
  auto target = sipsentry::sip::parse_target(text, error);
  if (!target) {
    FUZZ_CHECK(!error.empty(), "a refused URI says why");
    return;
  }
  FUZZ_CHECK(!target->host.empty(), "a target has a host");
  FUZZ_CHECK(target->port >= 1, "a target's port is 1-65535");
  // The route URI Sofia-SIP is given names the same target.
  std::string route = target->route_uri();
  auto again = sipsentry::sip::parse_target(route, error);
  FUZZ_CHECK(again && *again == *target, "a target round-trips through its route URI");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check_duration(text);
  check_host_port(text);
  check_target(text);
  return 0;
}
