// The shared directory of record sets against a real DNS server (dnsmasq on
// a loopback port, TTL 1 s, the directory's floor lowered to 1 s so that a
// re-resolution comes within a second, not half a minute): one lookup for
// two watchers, a changed record set told after the TTL, an unchanged one
// never, and a DNS server that is gone keeps the last set.
#include "resolve/target_directory.h"

#include <gtest/gtest.h>

#include <optional>

#include "support/dnsmasq.h"
#include "support/resolver_on_loop.h"
#include "support/scratch.h"

namespace sipsentry::testing {
namespace {

using engine::Millis;
using namespace std::chrono_literals;

std::vector<std::string> zone(uint16_t backup_port) {
  return {"--host-record=pbx.test,127.0.0.1",
          "--host-record=backup.test,127.0.0.2",
          "--srv-host=_sip._udp.srv.test,pbx.test,25060,10,100",
          "--srv-host=_sip._udp.srv.test,backup.test," + std::to_string(backup_port) + ",20,50",
          "--naptr-record=srv.test,10,50,s,SIP+D2U,,_sip._udp.srv.test",
          "--local-ttl=1"};
}

constexpr Millis kFloor = 1s;  // the TTL dnsmasq gives, and the directory's floor here

size_t occurrences(const std::string& text, const std::string& word) {
  size_t found = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++found;
  return found;
}

/// What a watcher was told, and when.
struct Told {
  Millis at;
  resolve::Resolution resolution;
};

class TargetDirectoryDnsTest : public ::testing::Test {
 protected:
  resolve::TargetDirectory::WatchId watch(std::vector<Told>& told) {
    return directory_->watch({.host = "srv.test"}, [this, &told](const resolve::Resolution& got) {
      told.push_back({loop_->now(), got});
    });
  }

  /// Serves the loop for `duration`, or until `done`.
  void run_for(
      Millis duration, const std::function<bool()>& done = [] { return false; }) {
    Millis until = loop_->now() + duration;
    loop_->start_timer(duration, [] {});
    loop_->run_until([&] { return done() || loop_->now() >= until; });
  }

  static uint16_t backup_port(const Told& told) {
    for (const resolve::SrvRecord& record : told.resolution.srv.at("_sip._udp.srv.test"))
      if (record.target == "backup.test") return record.port;
    return 0;
  }

  /// Watches srv.test and serves the loop until its first record set.
  void watch_first(std::vector<Told>& told) {
    watch(told);
    run_for(2s, [&] { return !told.empty(); });
    ASSERT_EQ(told.size(), 1u) << dns_.log();
  }

  ScratchDir scratch_;
  Dnsmasq dns_{scratch_, zone(25061)};
  ResolverOnLoop on_loop_{dns_.server()};
  std::unique_ptr<sip::EventLoop>& loop_ = on_loop_.loop;
  std::unique_ptr<resolve::TargetDirectory> directory_ = resolve::TargetDirectory::create(
      *on_loop_.resolver, *on_loop_.hooks,
      {.floor = kFloor, .retry_after_failure = kFloor, .lookup_deadline = 1s});
};

TEST_F(TargetDirectoryDnsTest, TwoWatchersOfOneNameShareOneLookup) {
  std::vector<Told> first, second;
  watch(first);
  watch(second);
  run_for(2s, [&] { return !first.empty() && !second.empty(); });
  ASSERT_EQ(first.size(), 1u) << dns_.log();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_FALSE(first[0].resolution.failed) << first[0].resolution.error;
  EXPECT_EQ(first[0].resolution.srv.at("_sip._udp.srv.test").size(), 2u);
  EXPECT_EQ(first[0].resolution.lifetime, kFloor);
  EXPECT_TRUE(resolve::same_records(first[0].resolution, second[0].resolution));
  // The NAPTR named _sip._udp alone: one NAPTR query, one SRV query.
  std::string log = dns_.log();
  EXPECT_EQ(occurrences(log, "query[NAPTR] srv.test"), 1u) << log;
  EXPECT_EQ(occurrences(log, "query[SRV] _sip._udp.srv.test"), 1u) << log;
  EXPECT_EQ(occurrences(log, "query[SRV] _sip._tcp.srv.test"), 0u) << log;
}

TEST_F(TargetDirectoryDnsTest, AChangedRecordSetIsToldAfterTheTtl) {
  std::vector<Told> told;
  ASSERT_NO_FATAL_FAILURE(watch_first(told));
  dns_.restart(zone(25071));
  run_for(3s, [&] { return told.size() > 1; });
  ASSERT_EQ(told.size(), 2u) << dns_.log();
  EXPECT_EQ(backup_port(told[0]), 25061);
  EXPECT_EQ(backup_port(told[1]), 25071);
  // At the next lookup, one lifetime (the 1 s TTL) after the first answer.
  Millis after = told[1].at - told[0].at;
  EXPECT_GE(after, kFloor - 20ms);
  EXPECT_LT(after, kFloor + 300ms);
}

TEST_F(TargetDirectoryDnsTest, AnUnchangedRecordSetIsNeverToldAgain) {
  std::vector<Told> told;
  watch(told);
  run_for(3500ms);
  EXPECT_EQ(told.size(), 1u);
  // Asked again at each lifetime: at 0, 1, 2 and 3 s.
  size_t asked = occurrences(dns_.log(), "query[SRV] _sip._udp.srv.test");
  EXPECT_GE(asked, 3u) << dns_.log();
  EXPECT_LE(asked, 4u) << dns_.log();
}

TEST_F(TargetDirectoryDnsTest, ADnsServerThatIsGoneKeepsTheLastSet) {
  std::vector<Told> told;
  ASSERT_NO_FATAL_FAILURE(watch_first(told));
  dns_.stop();
  run_for(3s);
  EXPECT_EQ(told.size(), 1u) << "no answer is no new record set";
  // Back with other records: told at the next retry.
  dns_.restart(zone(25071));
  run_for(3s, [&] { return told.size() > 1; });
  ASSERT_EQ(told.size(), 2u) << dns_.log();
  EXPECT_FALSE(told[1].resolution.failed);
  EXPECT_EQ(backup_port(told[1]), 25071);
}

TEST_F(TargetDirectoryDnsTest, ASilentDnsServerKeepsTheLastSet) {
  std::vector<Told> told;
  ASSERT_NO_FATAL_FAILURE(watch_first(told));
  dns_.pause();
  run_for(3500ms);
  dns_.resume();
  EXPECT_EQ(told.size(), 1u) << "no answer is no new record set";
  EXPECT_FALSE(told[0].resolution.failed);
}

}  // namespace
}  // namespace sipsentry::testing
