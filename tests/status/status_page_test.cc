// The status page and the JSON API as the HTTP threads answer them: the
// page escapes what the configuration and the network say, puts the worst
// lines first, pages and filters; the API's codes and bodies.
#include "status/status_page.h"

#include <gtest/gtest.h>
#include <unistd.h>

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

/// The resident set of this process in kB, from /proc.
long resident_kb() {
  long pages = 0, resident = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// At 10,000 lines a page is picked from every line's key and only its rows
// are copied. The times are printed for the record, not asserted: this
// machine is shared (the README has the figures).
TEST(StatusPageScale, TenThousandLinesRenderOnePage) {
  std::vector<engine::LineSettings> lines;
  for (int i = 0; i < 10'000; ++i) lines.push_back(two_server_line("line" + std::to_string(i)));
  long resident_before = resident_kb();
  StatusBoard board(log_text());
  auto feeding = std::chrono::steady_clock::now();
  for (size_t i = 0; i < lines.size(); ++i) register_line(board, lines[i], i % 10 == 0 ? 1 : 0);
  auto fed = std::chrono::steady_clock::now();
  long board_kb = resident_kb() - resident_before;
  Reply page = get(board, "/");
  auto rendered = std::chrono::steady_clock::now();
  std::vector<LineKey> keys = board.keys();
  auto keyed = std::chrono::steady_clock::now();
  std::vector<std::string> names;
  for (size_t i = 0; i < 1000; ++i) names.push_back(keys[i].name);
  std::vector<LineStatus> copied = board.lines(names);
  auto copied_at = std::chrono::steady_clock::now();
  Reply api = get(board, "/api/v1/lines", "limit=1000");
  auto served = std::chrono::steady_clock::now();

  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(count_of(page.body, "<tbody class=\"line\">"), kPageRows);
  EXPECT_NE(page.body.find("lines 1&ndash;200 of 10000"), std::string::npos);
  // The 1,000 lines on a backup come first.
  EXPECT_NE(page.body.find("<b>line0</b>"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(api.body)["lines"].size(), 1000u);
  EXPECT_EQ(copied.size(), 1000u);

  using Ms = std::chrono::duration<double, std::milli>;
  auto batches = [](size_t n) {
    return static_cast<double>((n + StatusBoard::kLinesPerBatch - 1) / StatusBoard::kLinesPerBatch);
  };
  double events = 10'000 * 3 + 1'000 * 2;  // 3 events a line, 5 for every tenth
  std::printf("the board of 10,000 lines: about %ld kB resident\n", board_kb);
  std::printf("on the event loop: %.2f us an event, line added included\n",
              std::chrono::duration<double, std::micro>(fed - feeding).count() / events);
  std::printf("page of 200 rows at 10,000 lines: %.1f ms (%zu bytes)\n", Ms(rendered - fed).count(),
              page.body.size());
  std::printf("every line's key: %.1f ms, %.3f ms per batch under the lock\n",
              Ms(keyed - rendered).count(), Ms(keyed - rendered).count() / batches(keys.size()));
  std::printf("1,000 whole lines: %.1f ms, %.3f ms per batch under the lock\n",
              Ms(copied_at - keyed).count(), Ms(copied_at - keyed).count() / batches(1000));
  std::printf("/api/v1/lines?limit=1000: %.1f ms (%zu bytes)\n", Ms(served - copied_at).count(),
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

/// A chain read now, valid for `left` more (since a month, or from `since`).
tls::CertificateReading certificate_for(std::chrono::hours left, std::chrono::hours since = 720h) {
  tls::WallTime now = std::chrono::system_clock::now();
  return {.dates = tls::ChainDates{.earliest_not_after = now + left,
                                   .latest_not_before = now - since,
                                   .certificates = 2},
          .read_at = now};
}

TEST(StatusPage, ATlsServersCertificateIsGreenAmberWithinTheWarningRedOnceExpired) {
  StatusBoard board;
  register_line(board, two_server_line("desk"), 0);
  register_line(board, two_server_line("hall", "pbx-c", "pbx-d"), 0);
  register_line(board, two_server_line("lobby", "pbx-e", "pbx-f"), 0);
  board.certificate_read("desk", 0, certificate_for(90 * 24h));
  board.certificate_read("hall", 1, certificate_for(3 * 24h + 1h));
  board.certificate_read("lobby", 0, certificate_for(-49h));
  board.certificate_read("lobby", 1, certificate_for(90 * 24h, -1h));
  board.certificate_read("nobody", 0, certificate_for(1h));  // ignored
  std::string page = get(board, "/").body;
  EXPECT_NE(page.find("<span class=\"certificate up\">certificate expires "), std::string::npos);
  EXPECT_NE(page.find("(in 89 days)</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"certificate amber\">certificate expires "), std::string::npos);
  EXPECT_NE(page.find("(in 3 days)</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"certificate down\">certificate expired "), std::string::npos);
  EXPECT_NE(page.find("(2 days ago)</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"certificate down\">certificate not valid before "),
            std::string::npos);
  EXPECT_EQ(count_of(page, "class=\"certificate "), 4u) << "none for the other servers";
}

TEST(StatusApi, ACertificateIsInTheServersFieldsAndMakesTheLineAWarning) {
  StatusBoard board;
  register_line(board, two_server_line("desk"), 0);
  tls::CertificateReading reading = certificate_for(72h);
  board.certificate_read("desk", 1, reading);
  nlohmann::json desk = nlohmann::json::parse(get(board, "/api/v1/lines/desk").body);
  EXPECT_EQ(desk["status"], "warning");
  EXPECT_EQ(desk["servers"][1]["certificate_state"], "expiring");
  EXPECT_EQ(desk["servers"][1]["certificate_expiry"],
            std::chrono::duration_cast<std::chrono::seconds>(
                reading.dates->earliest_not_after.time_since_epoch())
                .count());
  EXPECT_TRUE(desk["servers"][0]["certificate_expiry"].is_null());
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
