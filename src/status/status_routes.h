#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "status/status_board.h"

namespace sipsentry::status {

/// One HTTP answer of the status page or the JSON API.
struct Reply {
  int status = 200;
  std::string content_type{};
  std::string body{};
};

/// Lines /api/v1/lines returns unless ?limit= says otherwise, and at most.
constexpr size_t kApiLines = 500;
constexpr size_t kMaxApiLines = 1000;

/// Answers a GET of `path` with `query` (without the '?'):
///   /                   the status page
///   /api/v1/lines       the lines, by name (?state=&line=&offset=&limit=)
///   /api/v1/lines/NAME  one line; 404 JSON when there is none
///   /api/v1/events      the recent events (?since=SEQUENCE)
/// nullopt for any other path. A bad query value is 400.
std::optional<Reply> answer(const StatusBoard& board, std::string_view path, std::string_view query,
                            WallTime now);

}  // namespace sipsentry::status
