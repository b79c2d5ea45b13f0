#include "config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "config/duration.h"

namespace sipsentry::config {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string quoted(std::string_view key) {
  return "'" + std::string(key) + "'";
}

}  // namespace

std::optional<std::string_view> closest_match(std::string_view word,
                                              const std::vector<std::string_view>& candidates) {
  std::optional<std::string_view> best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (std::string_view candidate : candidates) {
    size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

void YamlReader::error(const YAML::Mark& at, std::string message) {
  diagnostics_.push_back(Diagnostic{file_, at.line + 1, at.column + 1, std::move(message)});
}

void YamlReader::warning(const YamlNode& at, std::string message) {
  YAML::Mark mark = at.Mark();
  diagnostics_.push_back(
      Diagnostic{file_, mark.line + 1, mark.column + 1, std::move(message), Severity::kWarning});
}

void YamlReader::read_map(const YamlNode& node, std::string_view section,
                          const Handlers& handlers) {
  if (!node.IsMap()) {
    error(node, quoted(section) + ": expected a mapping of keys to values");
    return;
  }
  std::vector<std::string_view> known;
  for (const auto& [name, handler] : handlers) known.push_back(name);
  std::set<std::string> seen;
  for (const auto& entry : node.entries()) {
    if (!entry.first.IsScalar()) {
      error(entry.first, "keys in " + quoted(section) + " must be plain names");
      continue;
    }
    std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) {
      error(entry.first, "duplicate key " + quoted(key) + " in " + quoted(section));
      continue;
    }
    auto found = std::ranges::find_if(handlers, [&](const auto& h) { return h.first == key; });
    if (found != handlers.end()) {
      found->second(entry.second);
      continue;
    }
    std::string message = "unknown key " + quoted(key) + " in " + quoted(section);
    if (auto suggestion = closest_match(key, known))
      message += "; did you mean " + quoted(*suggestion) + "?";
    error(entry.first, message);
  }
}

std::optional<std::string> YamlReader::scalar(const YamlNode& node, std::string_view key,
                                              std::string_view expected) {
  if (node.IsScalar()) return node.Scalar();
  std::string got = node.IsMap() ? "a mapping" : node.IsSequence() ? "a list" : "nothing";
  error(node, quoted(key) + ": expected " + std::string(expected) + ", got " + got);
  return std::nullopt;
}

std::optional<int64_t> YamlReader::integer(const YamlNode& node, std::string_view key, int64_t min,
                                           int64_t max) {
  std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  std::optional<std::string> text = scalar(node, key, range);
  if (!text) return std::nullopt;
  int64_t value = 0;
  auto [end, failure] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (failure != std::errc() || end != text->data() + text->size()) {
    error(node, quoted(key) + ": expected " + range + ", got '" + *text + "'");
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, quoted(key) + ": " + *text + " is out of range; expected " + range);
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlReader::number(const YamlNode& node, std::string_view key) {
  std::optional<std::string> text = scalar(node, key, "a number");
  if (!text) return std::nullopt;
  double value = 0;
  auto [end, failure] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (failure != std::errc() || end != text->data() + text->size() || !std::isfinite(value)) {
    error(node, quoted(key) + ": expected a number, got '" + *text + "'");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlReader::boolean(const YamlNode& node, std::string_view key) {
  std::optional<std::string> text = scalar(node, key, "true or false");
  if (!text) return std::nullopt;
  // The phone writes 1 and 0 for its switches; YAML writes true and false.
  if (*text == "true" || *text == "1" || *text == "yes") return true;
  if (*text == "false" || *text == "0" || *text == "no") return false;
  error(node, quoted(key) + ": expected true or false, got '" + *text + "'");
  return std::nullopt;
}

std::optional<std::string> YamlReader::string(const YamlNode& node, std::string_view key) {
  return scalar(node, key, "a string");
}

std::optional<engine::Millis> YamlReader::duration(const YamlNode& node, std::string_view key) {
  std::optional<std::string> text = scalar(node, key, "a duration");
  if (!text) return std::nullopt;
  auto parsed = parse_duration(*text);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    error(node, quoted(key) + ": " + *message);
    return std::nullopt;
  }
  return std::get<engine::Millis>(parsed);
}

std::optional<engine::Millis> YamlReader::positive_duration(const YamlNode& node,
                                                            std::string_view key) {
  std::optional<engine::Millis> read = duration(node, key);
  if (!read || *read > engine::Millis(0)) return read;
  error(node, quoted(key) + ": must be greater than 0");
  return std::nullopt;
}

YamlReader::Handler YamlReader::into_string(std::string& target, std::string_view key) {
  return [this, &target, key](const YamlNode& v) { assign(target, string(v, key)); };
}

YamlReader::Handler YamlReader::into_bool(bool& target, std::string_view key) {
  return [this, &target, key](const YamlNode& v) { assign(target, boolean(v, key)); };
}

YamlReader::Handler YamlReader::into_duration(engine::Millis& target, std::string_view key) {
  return [this, &target, key](const YamlNode& v) { assign(target, duration(v, key)); };
}

YamlReader::Handler YamlReader::into_positive_duration(engine::Millis& target,
                                                       std::string_view key) {
  return [this, &target, key](const YamlNode& v) { assign(target, positive_duration(v, key)); };
}

std::optional<std::vector<YamlNode>> YamlReader::sequence(const YamlNode& node,
                                                          std::string_view key) {
  if (!node.IsSequence()) {
    error(node, quoted(key) + ": expected a list");
    return std::nullopt;
  }
  return node.items();
}

}  // namespace sipsentry::config
