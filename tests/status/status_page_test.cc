// The status page and the JSON API as the HTTP threads answer them: the
// page escapes what the configuration and the network say, puts the worst
// lines first, pages and filters; the API's codes and bodies.
#include "status/status_page.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "board_events.h"
#include "status/status_routes.h"

namespace sipsentry::status {
namespace {

using engine::LineState;
using namespace fixtures;

constexpr std::string_view kScript = "<script>alert(1)</script>";

size_t count_of(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

Reply get(const StatusBoard& board, std::string_view path, std::string_view query = "") {
  std::optional<Reply> reply = answer(board, path, query, std::chrono::system_clock::now());
  EXPECT_TRUE(reply) << path;
  return reply.value_or(Reply{});
}

StatusBoard::Describe log_text() {
  return [](const engine::LineSettings& line, const engine::Event&) {
    return std::optional<StatusBoard::Described>({"info", "line=" + line.name + " event=x"});
  };
}

TEST(StatusPage, AServerNamedWithAScriptTagIsShownAsTextNeverAsATag) {
  StatusBoard board(log_text());
  register_line(board, two_server_line("desk", std::string(kScript), "pbx-b"), 1);
  Reply page = get(board, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(page.body.find(kScript), std::string::npos);
  EXPECT_EQ(page.body.find("<script"), std::string::npos);  // none of our own either
}

TEST(StatusPage, AFilterValueIsEscapedInTheFormAndTheLinks) {
  StatusBoard board;
  for (int i = 0; i < 3; ++i) board.on_line_added(two_server_line("a" + std::to_string(i)));
  Reply page = get(board, "/", "line=%22%3E%3Cscript%3E&limit=1");
  EXPECT_EQ(page.body.find("\"><script>"), std::string::npos);
  EXPECT_NE(page.body.find("value=\"&quot;&gt;&lt;script&gt;\""), std::string::npos);
}

TEST(StatusPage, OneRowPerLineWorstFirstWithItsServersAndState) {
  StatusBoard board(log_text());
  register_line(board, two_server_line("a-ok"), 0);
  register_line(board, two_server_line("b-backup"), 1);
  engine::LineSettings down = two_server_line("c-down");
  board.on_line_added(down);
  board.on_event(down, state(LineState::kRegistering, LineState::kUnregistered,
                             engine::Reason{engine::Reason::Kind::kIcmp}));
  std::string page = get(board, "/").body;
  size_t failed = page.find("<b>c-down</b>"), backup = page.find("<b>b-backup</b>"),
         ok = page.find("<b>a-ok</b>");
  ASSERT_NE(failed, std::string::npos);
  EXPECT_LT(failed, backup);
  EXPECT_LT(backup, ok);
  EXPECT_EQ(count_of(page, "<tbody class=\"line\">"), 3u);
  EXPECT_EQ(count_of(page, "<tr class=\"server\">"), 6u);
  EXPECT_NE(page.find("state rank0\">unregistered</span> icmp"), std::string::npos);
  EXPECT_NE(page.find("failover pbx-a &rarr; pbx-b by REGISTER (timeout)"), std::string::npos);
  EXPECT_NE(page.find("pbx-b (backup)"), std::string::npos);
  EXPECT_EQ(page.find("http-equiv"), std::string::npos);  // no refresh unless asked
}

TEST(StatusPage, RefreshIsAMetaTagWhenAskedForAndABadValueIs400) {
  StatusBoard board;
  EXPECT_NE(get(board, "/", "refresh=10").body.find("<meta http-equiv=\"refresh\" content=\"10\">"),
            std::string::npos);
  EXPECT_EQ(get(board, "/", "refresh=0").status, 400);
  EXPECT_EQ(get(board, "/", "limit=5000").status, 400);
}

TEST(StatusPage, TheRecentEventsAreFilteredByLineNewestFirst) {
  StatusBoard board(log_text());
  register_line(board, two_server_line("desk"), 0);
  register_line(board, two_server_line("lobby"), 0);
  std::string page = get(board, "/", "line=lob").body;
  EXPECT_EQ(count_of(page, "line=desk event=x"), 0u);
  EXPECT_EQ(count_of(page, "line=lobby event=x"), 3u);
  EXPECT_EQ(page.find("<b>desk</b>"), std::string::npos);
}

TEST(StatusPage, ManyLinesArePagedWithLinksToTheNextAndPreviousPages) {
  StatusBoard board;
  for (int i = 0; i < 450; ++i) board.on_line_added(two_server_line("l" + std::to_string(i)));
  std::string first = get(board, "/").body;
  EXPECT_EQ(count_of(first, "<tbody class=\"line\">"), kPageRows);
  EXPECT_NE(first.find("lines 1&ndash;200 of 450"), std::string::npos);
  EXPECT_NE(first.find("href=\"?offset=200\">next</a>"), std::string::npos);
  std::string last = get(board, "/", "offset=400").body;
  EXPECT_EQ(count_of(last, "<tbody class=\"line\">"), 50u);
  EXPECT_NE(last.find("href=\"?offset=200\">previous</a>"), std::string::npos);
  EXPECT_EQ(last.find(">next</a>"), std::string::npos);
}

// At 10,000 lines one page is rendered from a full copy of the board. The
// measured time is printed for the record, not asserted: this machine is
// shared (see the README for the figure).
TEST(StatusPageScale, TenThousandLinesRenderOnePage) {
  StatusBoard board(log_text());
  for (int i = 0; i < 10'000; ++i) {
    engine::LineSettings line = two_server_line("line" + std::to_string(i));
    register_line(board, line, i % 10 == 0 ? 1 : 0);
  }
  auto start = std::chrono::steady_clock::now();
  Reply page = get(board, "/");
  auto rendered = std::chrono::steady_clock::now();
  std::vector<LineStatus> copy = board.lines();
  auto copied = std::chrono::steady_clock::now();
  Reply api = get(board, "/api/v1/lines", "limit=1000");
  auto served = std::chrono::steady_clock::now();

  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(count_of(page.body, "<tbody class=\"line\">"), kPageRows);
  EXPECT_NE(page.body.find("lines 1&ndash;200 of 10000"), std::string::npos);
  // The 1,000 lines on a backup come first.
  EXPECT_NE(page.body.find("<b>line0</b>"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(api.body)["lines"].size(), 1000u);

  using Ms = std::chrono::duration<double, std::milli>;
  double batches = static_cast<double>((copy.size() + StatusBoard::kLinesPerBatch - 1) /
                                       StatusBoard::kLinesPerBatch);
  std::printf("page of 200 rows at 10,000 lines: %.1f ms (%zu bytes)\n",
              Ms(rendered - start).count(), page.body.size());
  std::printf("copy of the board: %.1f ms, %.0f batches, %.3f ms per batch under the lock\n",
              Ms(copied - rendered).count(), batches, Ms(copied - rendered).count() / batches);
  std::printf("/api/v1/lines?limit=1000: %.1f ms (%zu bytes)\n", Ms(served - copied).count(),
              api.body.size());
}

TEST(StatusApi, LinesAreJsonWithPagingAndFilters) {
  StatusBoard board;
  register_line(board, two_server_line("desk"), 0);
  register_line(board, two_server_line("lobby"), 1);
  Reply all = get(board, "/api/v1/lines");
  EXPECT_EQ(all.content_type, "application/json");
  nlohmann::json body = nlohmann::json::parse(all.body);
  EXPECT_EQ(body["schema"], 1);
  EXPECT_EQ(body["matched"], 2);
  EXPECT_EQ(body["limit"], kApiLines);
  EXPECT_EQ(body["lines"][0]["name"], "desk");
  EXPECT_EQ(body["lines"][1]["registered_role"], "backup");
  body = nlohmann::json::parse(get(board, "/api/v1/lines", "line=lob").body);
  ASSERT_EQ(body["lines"].size(), 1u);
  EXPECT_EQ(body["lines"][0]["name"], "lobby");
  body = nlohmann::json::parse(get(board, "/api/v1/lines", "offset=1&limit=1").body);
  EXPECT_EQ(body["matched"], 2);
  EXPECT_EQ(body["lines"][0]["name"], "lobby");
  Reply bad = get(board, "/api/v1/lines", "limit=1001");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(nlohmann::json::parse(bad.body).contains("error"));
}

TEST(StatusApi, OneLineByNameAndAnUnknownNameIs404Json) {
  StatusBoard board;
  register_line(board, two_server_line("desk"), 0);
  Reply desk = get(board, "/api/v1/lines/desk");
  EXPECT_EQ(desk.status, 200);
  EXPECT_EQ(nlohmann::json::parse(desk.body)["state"], "registered");
  Reply nobody = get(board, "/api/v1/lines/nobody");
  EXPECT_EQ(nobody.status, 404);
  EXPECT_EQ(nobody.content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(nobody.body)["error"], "no line named nobody");
}

TEST(StatusApi, EventsSinceASequenceNumber) {
  StatusBoard board(log_text());
  register_line(board, two_server_line("desk"), 0);
  nlohmann::json all = nlohmann::json::parse(get(board, "/api/v1/events").body);
  ASSERT_EQ(all["events"].size(), 3u);
  EXPECT_EQ(all["last_sequence"], 3);
  EXPECT_EQ(all["events"][0]["line"], "desk");
  EXPECT_EQ(all["events"][0]["text"], "line=desk event=x");
  nlohmann::json later = nlohmann::json::parse(get(board, "/api/v1/events", "since=2").body);
  ASSERT_EQ(later["events"].size(), 1u);
  EXPECT_EQ(later["events"][0]["sequence"], 3);
  nlohmann::json none = nlohmann::json::parse(get(board, "/api/v1/events", "since=3").body);
  EXPECT_TRUE(none["events"].empty());
  EXPECT_EQ(none["last_sequence"], 3);
  EXPECT_EQ(get(board, "/api/v1/events", "since=yesterday").status, 400);
}

TEST(StatusApi, OtherPathsAreNotTheBoardS) {
  StatusBoard board;
  EXPECT_FALSE(answer(board, "/metrics", "", {}));
  EXPECT_FALSE(answer(board, "/api/v1/lines/", "", {}));
  EXPECT_FALSE(answer(board, "/api/v2/lines", "", {}));
}

}  // namespace
}  // namespace sipsentry::status
