// What a SIGHUP does to each line (spec.md §9): unchanged lines keep their
// state, changed ones start over, new ones start, missing ones stop.
#include "daemon/reload_plan.h"

#include <gtest/gtest.h>

namespace sipsentry::daemon {
namespace {

config::LineConfig line(const std::string& name, const std::string& password = "pw") {
  config::LineConfig line;
  line.settings.name = name;
  line.settings.user = "1001";
  line.settings.servers = {{.name = "a", .address = "127.0.0.1"}};
  line.password = config::Secret(password);
  return line;
}

TEST(ReloadPlanTest, TheSameFileKeepsEveryLine) {
  std::vector<config::LineConfig> lines = {line("a"), line("b")};
  EXPECT_EQ(plan_reload(lines, lines), (ReloadPlan{.kept = {"a", "b"}}));
}

TEST(ReloadPlanTest, AnyChangeRestartsTheLineEvenOfThePasswordAlone) {
  config::LineConfig longer_expiry = line("b");
  longer_expiry.settings.servers[0].expires = engine::Millis(7'200'000);
  EXPECT_EQ(plan_reload({line("a"), line("b")}, {line("a", "new"), longer_expiry}),
            (ReloadPlan{.restarted = {"a", "b"}}));
}

TEST(ReloadPlanTest, ACertificateWarningAloneKeepsTheLineButTlsVerificationRestartsIt) {
  // tls.expiry_warning changes how a certificate reads, not what the line
  // sends: the certificate watch takes the new one, the registration stays.
  config::LineConfig warned_earlier = line("a");
  warned_earlier.tls.expiry_warning = std::chrono::days(30);
  config::LineConfig unverified = line("b");
  unverified.tls.verify = false;
  EXPECT_EQ(plan_reload({line("a"), line("b")}, {warned_earlier, unverified}),
            (ReloadPlan{.kept = {"a"}, .restarted = {"b"}}));
}

TEST(ReloadPlanTest, NewLinesAreAddedAndMissingOnesRemovedByName) {
  EXPECT_EQ(plan_reload({line("a"), line("gone")}, {line("new"), line("a")}),
            (ReloadPlan{.kept = {"a"}, .added = {"new"}, .removed = {"gone"}}));
  EXPECT_EQ(summary(plan_reload({line("a"), line("gone")}, {line("new"), line("a")})),
            "1 kept, 0 restarted, 1 added, 1 removed");
}

}  // namespace
}  // namespace sipsentry::daemon
