#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "status/status_board.h"

namespace sipsentry::status {

/// The value of `key` in a URL query ("a=1&line=desk"), percent- and
/// plus-decoded; nullopt when the key is absent.
std::optional<std::string> query_value(std::string_view query, std::string_view key);

/// Which lines a request asks for: filters, then a page of the result.
struct LineQuery {
  std::optional<std::string> state{};  // only lines in this state: "registered", "unregistered" …
  std::string line{};                  // only lines whose name contains this
  size_t offset = 0;                   // rows skipped
  size_t limit = 0;                    // rows at most
};

/// Reads ?state=&line=&offset=&limit= from `query`; limit defaults to
/// `default_limit` and may not exceed `max_limit`. Returns nullopt and sets
/// `error` when a value is not valid.
std::optional<LineQuery> parse_line_query(std::string_view query, size_t default_limit,
                                          size_t max_limit, std::string& error);

/// One page of the lines a query selects.
struct LinePage {
  size_t matched = 0;                // lines that pass the filters, all pages together
  std::vector<std::string> names{};  // the page's lines, in order
};

enum class LineOrder {
  kByName,      // the API's: stable while states change, so paging skips nothing
  kWorstFirst,  // the page's: severity_rank, then check's status, then name
};

/// Filters `lines` (given by name), orders them and cuts out the page.
LinePage select_lines(std::vector<LineKey> lines, const LineQuery& query, LineOrder order);

}  // namespace sipsentry::status
