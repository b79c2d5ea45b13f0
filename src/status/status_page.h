#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "status/line_query.h"
#include "status/status_board.h"

namespace sipsentry::status {

/// What the page at / was asked for: ?line=&state=&offset=&limit= for the
/// lines (the line filter applies to the recent events too), ?refresh=N.
struct PageQuery {
  LineQuery lines{};
  std::optional<int> refresh_seconds{};  // a <meta http-equiv=refresh>, 1 to 3600
};

/// Rows a page shows unless ?limit= says otherwise, and at most.
constexpr size_t kPageRows = 200;
constexpr size_t kMaxPageRows = 1000;

/// Reads the page's query; nullopt and `error` when a value is not valid.
std::optional<PageQuery> parse_page_query(std::string_view query, std::string& error);

/// Everything the page shows, gathered before it is written.
struct PageContent {
  std::vector<LineStatus> rows{};    // the lines to show, worst first
  size_t matched = 0;                // lines that pass the filters, all pages together
  size_t lines = 0;                  // all lines of the daemon
  std::array<size_t, 4> by_rank{};   // lines per severity_rank, all of them
  std::vector<EventEntry> events{};  // the recent events that pass the line filter
  WallTime now{};
};

/// The status page: one self-contained HTML document, no scripts, no
/// external assets; every name and text from the configuration or the
/// network is escaped.
std::string render_status_page(const PageContent& content, const PageQuery& query);

}  // namespace sipsentry::status
