#include "config/duration.h"

#include <charconv>
#include <cmath>

namespace sipsentry::config {
namespace {

struct Unit {
  std::string_view suffix;
  double millis;
};

// "ms" before "m" and "s": the longest suffix must match first.
constexpr Unit kUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};

}  // namespace

std::variant<engine::Millis, std::string> parse_duration(std::string_view text) {
  std::string bad = "invalid duration '" + std::string(text) +
                    "': write a number with a unit (500ms, 30s, 30m, 1h, 14d) or plain seconds";
  std::string_view number = text;
  double scale = 1000;  // a plain number is seconds
  for (const Unit& unit : kUnits) {
    if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix)) {
      number = text.substr(0, text.size() - unit.suffix.size());
      scale = unit.millis;
      break;
    }
  }
  double value = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || error != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(value))
    return bad;
  if (value < 0) return "invalid duration '" + std::string(text) + "': must not be negative";
  double millis = value * scale;
  if (millis > 1e12) return "invalid duration '" + std::string(text) + "': too long";
  return engine::Millis(static_cast<long long>(std::llround(millis)));
}

}  // namespace sipsentry::config
