// Which lines a request gets, in which order: the filters, the paging and
// the page's worst-first order an operator reads at 3 a.m.
#include "status/line_query.h"

#include <gtest/gtest.h>

#include "board_events.h"

namespace sipsentry::status {
namespace {

using engine::LineState;
using namespace fixtures;

const std::vector<std::string>& names(const LinePage& page) {
  return page.names;
}

LineQuery all() {
  return {.limit = 1000};
}

/// ok1 on its primary, backup1 on its backup, new1 registering, down1
/// unregistered, refused1 rejected; and their twins named …2.
void add_mixed_lines(StatusBoard& board) {
  for (std::string n : {"1", "2"}) {
    register_line(board, two_server_line("ok" + n), 0);
    register_line(board, two_server_line("backup" + n), 1);
    board.on_line_added(two_server_line("new" + n));
    engine::LineSettings down = two_server_line("down" + n);
    board.on_line_added(down);
    board.on_event(down, state(LineState::kRegistering, LineState::kUnregistered,
                               engine::Reason{engine::Reason::Kind::kTimeout}));
    engine::LineSettings refused = two_server_line("refused" + n);
    board.on_line_added(refused);
    board.on_event(refused, state(LineState::kRegistering, LineState::kRejected,
                                  engine::Reason{engine::Reason::Kind::kRejected, 403}));
  }
}

TEST(LineOrder, WorstFirstIsFailedThenOnBackupThenRegisteringThenOkEachByName) {
  StatusBoard board;
  add_mixed_lines(board);
  LinePage page = select_lines(board.keys(), all(), LineOrder::kWorstFirst);
  EXPECT_EQ(names(page),
            (std::vector<std::string>{"down1", "down2", "refused1", "refused2", "backup1",
                                      "backup2", "new1", "new2", "ok1", "ok2"}));
}

TEST(LineOrder, OnItsPrimaryWithABackupDownComesBeforeAllGood) {
  StatusBoard board;
  engine::LineSettings good = two_server_line("a-good");
  register_line(board, good, 0);
  board.on_event(good, request(1, true, 200));  // its backup observed up
  engine::LineSettings line = two_server_line("b-backup-down");
  register_line(board, line, 0);
  board.on_event(line, request(1, false, 0, engine::Reason{engine::Reason::Kind::kIcmp}));
  LinePage page = select_lines(board.keys(), all(), LineOrder::kWorstFirst);
  EXPECT_EQ(names(page), (std::vector<std::string>{"b-backup-down", "a-good"}));
}

TEST(LineOrder, TheApiKeepsNameOrderSoThatPagingSkipsNothing) {
  StatusBoard board;
  add_mixed_lines(board);
  LinePage page = select_lines(board.keys(), all(), LineOrder::kByName);
  EXPECT_EQ(names(page).front(), "backup1");
  EXPECT_EQ(names(page).back(), "refused2");
}

TEST(LineFilter, StateAndNameFiltersCombine) {
  StatusBoard board;
  add_mixed_lines(board);
  LinePage page = select_lines(board.keys(), {.state = "registered", .line = "1", .limit = 10},
                               LineOrder::kByName);
  EXPECT_EQ(names(page), (std::vector<std::string>{"backup1", "ok1"}));
  EXPECT_EQ(page.matched, 2u);
}

TEST(LinePaging, APageIsTheOffsetAndLimitOfTheMatchingLines) {
  StatusBoard board;
  for (int i = 0; i < 25; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "line%02d", i);
    board.on_line_added(two_server_line(name));
  }
  LinePage page = select_lines(board.keys(), {.offset = 20, .limit = 10}, LineOrder::kByName);
  EXPECT_EQ(page.matched, 25u);
  EXPECT_EQ(names(page),
            (std::vector<std::string>{"line20", "line21", "line22", "line23", "line24"}));
  EXPECT_TRUE(
      select_lines(board.keys(), {.offset = 99, .limit = 10}, LineOrder::kByName).names.empty());
}

TEST(LineQueryParse, ValuesAreDecodedAndDefaultsApply) {
  std::string error;
  std::optional<LineQuery> query =
      parse_line_query("line=desk%20one&state=rejected&offset=5", 500, 1000, error);
  ASSERT_TRUE(query) << error;
  EXPECT_EQ(query->line, "desk one");
  EXPECT_EQ(query->state, "rejected");
  EXPECT_EQ(query->offset, 5u);
  EXPECT_EQ(query->limit, 500u);
  EXPECT_EQ(query_value("a=1&line=x+y", "line"), "x y");
  EXPECT_FALSE(query_value("a=1", "line"));
}

TEST(LineQueryParse, BadValuesAreRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(parse_line_query("limit=1001", 500, 1000, error));
  EXPECT_NE(error.find("1 to 1000"), std::string::npos);
  EXPECT_FALSE(parse_line_query("limit=0", 500, 1000, error));
  EXPECT_FALSE(parse_line_query("offset=-1", 500, 1000, error));
  EXPECT_FALSE(parse_line_query("state=happy", 500, 1000, error));
  EXPECT_NE(error.find("auth_failed"), std::string::npos);
}

}  // namespace
}  // namespace sipsentry::status
