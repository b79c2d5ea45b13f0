#pragma once
// Internal to the config module: with yaml_document.h, the only headers that
// include yaml-cpp.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/diagnostic.h"
#include "config/yaml_document.h"
#include "engine/time.h"

namespace sipsentry::config {

/// Reads typed values out of YAML nodes and collects a diagnostic, with the
/// node's position, for every value that is not what it should be. Readers
/// return nothing on a mistake so that the caller keeps its default.
class YamlReader {
 public:
  using Handler = std::function<void(const YamlNode& value)>;
  using Handlers = std::vector<std::pair<std::string_view, Handler>>;

  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  void error(const YAML::Mark& at, std::string message);
  void error(const YamlNode& at, std::string message) { error(at.Mark(), std::move(message)); }
  /// A diagnostic that does not stop the load.
  void warning(const YamlNode& at, std::string message);

  /// Calls the handler of every key of the mapping `node`; a key without a
  /// handler is reported with the closest known key as a suggestion.
  void read_map(const YamlNode& node, std::string_view section, const Handlers& handlers);

  std::optional<int64_t> integer(const YamlNode& node, std::string_view key, int64_t min,
                                 int64_t max);
  std::optional<double> number(const YamlNode& node, std::string_view key);
  std::optional<bool> boolean(const YamlNode& node, std::string_view key);
  std::optional<std::string> string(const YamlNode& node, std::string_view key);
  std::optional<engine::Millis> duration(const YamlNode& node, std::string_view key);
  /// A duration that must be longer than zero (a period, an interval, a timer).
  std::optional<engine::Millis> positive_duration(const YamlNode& node, std::string_view key);
  /// A sequence's items, or nothing (reported) when `node` is not a sequence.
  std::optional<std::vector<YamlNode>> sequence(const YamlNode& node, std::string_view key);

  /// Handlers that store a key's value in `target` (which must outlive them).
  Handler into_string(std::string& target, std::string_view key);
  Handler into_bool(bool& target, std::string_view key);
  Handler into_duration(engine::Millis& target, std::string_view key);
  Handler into_positive_duration(engine::Millis& target, std::string_view key);

  std::vector<Diagnostic> take() { return std::exchange(diagnostics_, {}); }

 private:
  std::optional<std::string> scalar(const YamlNode& node, std::string_view key,
                                    std::string_view expected);

  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

/// Assigns `value` to `target` when the reader produced one.
template <typename T, typename U>
void assign(T& target, const std::optional<U>& value) {
  if (value) target = static_cast<T>(*value);
}

/// The closest of `candidates` to `word`, when it is close enough to be a typo.
std::optional<std::string_view> closest_match(std::string_view word,
                                              const std::vector<std::string_view>& candidates);

}  // namespace sipsentry::config
