#include "resolve/resolv_conf.h"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <string>
#include <string_view>

namespace sipsentry::resolve {
namespace {

/// The number after `prefix` in `word` ("timeout:3" → 3), if it is one.
std::optional<int> value_after(std::string_view word, std::string_view prefix) {
  if (!word.starts_with(prefix)) return std::nullopt;
  std::string_view digits = word.substr(prefix.size());
  int value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<RetryOptions> read_retry_options(std::istream& resolv_conf) {
  RetryOptions options;
  bool own_options = false;
  std::string line;
  while (std::getline(resolv_conf, line)) {
    std::istringstream words(line);
    std::string word;
    if (!(words >> word) || word != "options") continue;
    while (words >> word) {
      if (auto timeout = value_after(word, "timeout:"))
        options.timeout = engine::Millis(1'000) * std::clamp(*timeout, 1, 30);
      else if (auto attempts = value_after(word, "attempts:"))
        options.attempts = std::clamp(*attempts, 1, 5);
      else if (word.starts_with("retrans:") || word.starts_with("retry:"))
        own_options = true;
    }
  }
  if (own_options) return std::nullopt;
  return options;
}

}  // namespace sipsentry::resolve
