#include "config/duration.h"

#include <gtest/gtest.h>

namespace sipsentry::config {
namespace {

using namespace std::chrono_literals;

engine::Millis ok(std::string_view text) {
  auto parsed = parse_duration(text);
  EXPECT_TRUE(std::holds_alternative<engine::Millis>(parsed)) << text;
  return std::holds_alternative<engine::Millis>(parsed) ? std::get<engine::Millis>(parsed) : 0ms;
}

std::string error(std::string_view text) {
  auto parsed = parse_duration(text);
  EXPECT_TRUE(std::holds_alternative<std::string>(parsed)) << text;
  return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

TEST(Duration, UnitsAreMillisecondsSecondsMinutesHoursDays) {
  EXPECT_EQ(ok("500ms"), 500ms);
  EXPECT_EQ(ok("30s"), 30s);
  EXPECT_EQ(ok("30m"), 30min);
  EXPECT_EQ(ok("1h"), 1h);
  EXPECT_EQ(ok("1.5s"), 1500ms);
  // Days for tls.expiry_warning: a certificate's life is counted in them.
  EXPECT_EQ(ok("14d"), std::chrono::days(14));
  EXPECT_EQ(ok("0.5d"), 12h);
}

TEST(Duration, APlainNumberIsSecondsAsOnThePhone) {
  EXPECT_EQ(ok("1800"), 1800s);
  EXPECT_EQ(ok("0.5"), 500ms);
  EXPECT_EQ(ok("0"), 0ms);
}

TEST(Duration, RejectsUnknownUnitsNegativesAndEmptyText) {
  EXPECT_EQ(error("1w"),
            "invalid duration '1w': write a number with a unit (500ms, 30s, 30m, 1h, 14d) or "
            "plain seconds");
  EXPECT_EQ(error("-5s"), "invalid duration '-5s': must not be negative");
  EXPECT_FALSE(error("").empty());
  EXPECT_FALSE(error("s").empty());
  EXPECT_FALSE(error("5 s").empty());
}

}  // namespace
}  // namespace sipsentry::config
