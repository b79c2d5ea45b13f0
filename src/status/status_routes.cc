#include "status/status_routes.h"

#include <charconv>

#include "status/status_json.h"
#include "status/status_page.h"

namespace sipsentry::status {
namespace {

constexpr const char* kJsonType = "application/json";
constexpr const char* kHtmlType = "text/html; charset=utf-8";
constexpr std::string_view kLinesPath = "/api/v1/lines";

Reply json_reply(int status, const nlohmann::json& body) {
  // Names from the configuration may hold anything: replace what is not
  // UTF-8 instead of throwing.
  return {status, kJsonType, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

Reply json_error(int status, const std::string& message) {
  return json_reply(status, {{"error", message}});
}

Reply page(const StatusBoard& board, std::string_view query, WallTime now) {
  std::string error;
  std::optional<PageQuery> parsed = parse_page_query(query, error);
  if (!parsed) return {400, "text/plain; charset=utf-8", error + "\n"};
  std::vector<LineKey> keys = board.keys();
  PageContent content{.lines = keys.size(), .now = now};
  for (const LineKey& key : keys) ++content.by_rank.at(key.rank);
  LinePage page = select_lines(std::move(keys), parsed->lines, LineOrder::kWorstFirst);
  content.rows = board.lines(page.names);
  content.matched = page.matched;
  content.events = board.events();
  std::erase_if(content.events, [&parsed](const EventEntry& event) {
    return event.line.find(parsed->lines.line) == std::string::npos;
  });
  return {200, kHtmlType, render_status_page(content, *parsed)};
}

Reply lines(const StatusBoard& board, std::string_view query) {
  std::string error;
  std::optional<LineQuery> parsed = parse_line_query(query, kApiLines, kMaxApiLines, error);
  if (!parsed) return json_error(400, error);
  LinePage page = select_lines(board.keys(), *parsed, LineOrder::kByName);
  return json_reply(200, lines_json(board.lines(page.names), page.matched, *parsed));
}

Reply one_line(const StatusBoard& board, std::string_view name) {
  std::optional<LineStatus> line = board.line(name);
  if (!line) return json_error(404, "no line named " + std::string(name));
  return json_reply(200, status_line_json(*line));
}

Reply events(const StatusBoard& board, std::string_view query) {
  uint64_t since = 0;
  if (std::optional<std::string> text = query_value(query, "since"); text && !text->empty()) {
    auto [end, failed] = std::from_chars(text->data(), text->data() + text->size(), since);
    if (failed != std::errc() || end != text->data() + text->size())
      return json_error(400, "since: expected an event sequence number (0 for all)");
  }
  return json_reply(200, events_json(board.events(since), since));
}

}  // namespace

std::optional<Reply> answer(const StatusBoard& board, std::string_view path, std::string_view query,
                            WallTime now) {
  if (path == "/") return page(board, query, now);
  if (path == kLinesPath) return lines(board, query);
  if (path.starts_with(kLinesPath) && path.size() > kLinesPath.size() + 1 &&
      path[kLinesPath.size()] == '/')
    return one_line(board, path.substr(kLinesPath.size() + 1));
  if (path == "/api/v1/events") return events(board, query);
  return std::nullopt;
}

}  // namespace sipsentry::status
