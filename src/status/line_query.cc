#include "status/line_query.h"

#include <algorithm>
#include <charconv>

namespace sipsentry::status {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// A count from the query, or nullopt when it is not a whole number.
std::optional<size_t> count(const std::string& text) {
  size_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

bool known_state(const std::string& name) {
  return std::ranges::any_of(engine::kAllLineStates,
                             [&name](engine::LineState state) { return name == to_string(state); });
}

bool matches(const LineKey& line, const LineQuery& query) {
  if (query.state && to_string(line.state) != *query.state) return false;
  return line.name.find(query.line) != std::string::npos;
}

}  // namespace

std::optional<std::string> query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t equals = pair.find('=');
    if (url_decode(pair.substr(0, equals)) != key) continue;
    return equals == std::string_view::npos ? std::string() : url_decode(pair.substr(equals + 1));
  }
  return std::nullopt;
}

std::optional<LineQuery> parse_line_query(std::string_view query, size_t default_limit,
                                          size_t max_limit, std::string& error) {
  LineQuery parsed{.limit = default_limit};
  if (auto state = query_value(query, "state"); state && !state->empty()) {
    if (!known_state(*state)) {
      error = "state: expected registering, registered, unregistered, rejected or auth_failed";
      return std::nullopt;
    }
    parsed.state = *state;
  }
  parsed.line = query_value(query, "line").value_or("");
  if (auto offset = query_value(query, "offset")) {
    std::optional<size_t> value = count(*offset);
    if (!value) {
      error = "offset: expected a whole number";
      return std::nullopt;
    }
    parsed.offset = *value;
  }
  if (auto limit = query_value(query, "limit")) {
    std::optional<size_t> value = count(*limit);
    if (!value || *value == 0 || *value > max_limit) {
      error = "limit: expected a whole number from 1 to " + std::to_string(max_limit);
      return std::nullopt;
    }
    parsed.limit = *value;
  }
  return parsed;
}

LinePage select_lines(std::vector<LineKey> lines, const LineQuery& query, LineOrder order) {
  std::erase_if(lines, [&query](const LineKey& line) { return !matches(line, query); });
  if (order == LineOrder::kWorstFirst) {
    // Stable: lines of the same rank and status stay in name order.
    std::ranges::stable_sort(lines, [](const LineKey& a, const LineKey& b) {
      if (a.rank != b.rank) return a.rank < b.rank;
      return a.status > b.status;
    });
  }
  LinePage page{.matched = lines.size()};
  size_t from = std::min(query.offset, lines.size());
  size_t to = from + std::min(query.limit, lines.size() - from);
  for (size_t i = from; i < to; ++i) page.names.push_back(std::move(lines[i].name));
  return page;
}

}  // namespace sipsentry::status
