// The shared directory in virtual time, over a resolver that answers from a
// table: one lookup per name for all its watchers, re-resolution at the
// record set's lifetime, watchers told only of changes, the last good set
// kept while no DNS server answers.
#include "resolve/target_directory.h"

#include <gtest/gtest.h>

#include <map>

#include "common/virtual_timers.h"

namespace sipsentry::resolve {
namespace {

using engine::Millis;
using engine::Transport;
using namespace std::chrono_literals;

/// The loop's timers in virtual time; no sockets (the table resolver has none).
class FakeLoop : public LoopHooks {
 public:
  TimerId start_timer(Millis delay, std::function<void()> fire) override {
    return timers_.start(delay, std::move(fire));
  }
  void cancel_timer(TimerId id) override { timers_.cancel(id); }
  void watch(int, bool, std::function<void(bool, bool)>) override {}
  void unwatch(int) override {}
  void advance(Millis duration) { timers_.advance(duration); }
  size_t timers() const { return timers_.pending(); }

 private:
  testing::VirtualTimers timers_;
};

/// Answers from its tables 10 ms after being asked; a silent resolver
/// answers kNoResponse at the deadline.
class TableResolver : public Resolver {
 public:
  explicit TableResolver(FakeLoop& loop) : loop_(loop) {}
  LookupId addresses(const std::string&, Millis,
                     std::function<void(const Answer<Address>&)>) override {
    ADD_FAILURE() << "the directory asks no addresses";
    return 0;
  }
  LookupId srv(const std::string& name, Millis deadline,
               std::function<void(const Answer<SrvRecord>&)> done) override {
    return answer(name, deadline, srv_, std::move(done));
  }
  LookupId naptr(const std::string& name, Millis deadline,
                 std::function<void(const Answer<NaptrRecord>&)> done) override {
    return answer(name, deadline, naptr_, std::move(done));
  }
  void cancel(LookupId id) override {
    if (auto found = pending_.find(id); found != pending_.end()) {
      loop_.cancel_timer(found->second);
      pending_.erase(found);
    }
  }

  std::map<std::string, std::vector<SrvRecord>> srv_;
  std::map<std::string, std::vector<NaptrRecord>> naptr_;
  bool silent = false;
  std::vector<std::string> asked;  // "SRV name" / "NAPTR name", in order

 private:
  template <typename Record>
  LookupId answer(const std::string& name, Millis deadline,
                  const std::map<std::string, std::vector<Record>>& table,
                  std::function<void(const Answer<Record>&)> done) {
    asked.push_back((std::is_same_v<Record, SrvRecord> ? "SRV " : "NAPTR ") + name);
    Answer<Record> answer{.failure = Failure::kNoResponse};
    if (!silent) {
      auto found = table.find(name);
      answer = found == table.end() ? Answer<Record>{.failure = Failure::kNoSuchName}
                                    : Answer<Record>{.records = found->second};
    }
    LookupId id = next_id_++;
    pending_[id] = loop_.start_timer(silent ? deadline : 10ms, [this, id, answer, done] {
      pending_.erase(id);
      done(answer);
    });
    return id;
  }
  FakeLoop& loop_;
  LookupId next_id_ = 1;
  std::map<LookupId, LoopHooks::TimerId> pending_;
};

const ServerName kServer{.host = "srv.test"};

class TargetDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    resolver_.srv_["_sip._udp.srv.test"] = {{10, 100, 25060, "pbx.test", Seconds(60)},
                                            {20, 50, 25061, "backup.test", Seconds(60)}};
  }
  /// Watches kServer, keeping what it is told.
  TargetDirectory::WatchId watch(std::vector<Resolution>& told) {
    return directory_->watch(kServer, [&told](const Resolution& got) { told.push_back(got); });
  }
  size_t asked(const std::string& what) const {
    return std::count(resolver_.asked.begin(), resolver_.asked.end(), what);
  }

  FakeLoop loop_;
  TableResolver resolver_{loop_};
  std::unique_ptr<TargetDirectory> directory_ = TargetDirectory::create(resolver_, loop_);
};

TEST_F(TargetDirectoryTest, WatchersOfOneNameShareOneLookupAndHearOfItOnTheLoop) {
  std::vector<Resolution> first, second;
  watch(first);
  watch(second);
  EXPECT_TRUE(first.empty()) << "never from inside watch()";
  loop_.advance(100ms);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_FALSE(first[0].failed);
  EXPECT_EQ(first[0].srv.at("_sip._udp.srv.test").size(), 2u);
  EXPECT_EQ(first[0].lifetime, 60s);
  // NAPTR once, then the three SRV names of RFC 3263's default, once each.
  EXPECT_EQ(resolver_.asked,
            (std::vector<std::string>{"NAPTR srv.test", "SRV _sip._udp.srv.test",
                                      "SRV _sip._tcp.srv.test", "SRV _sips._tcp.srv.test"}));
  // A third watcher later is told the set at once, without a lookup.
  std::vector<Resolution> third;
  watch(third);
  EXPECT_TRUE(third.empty());
  loop_.advance(1ms);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_TRUE(same_records(third[0], first[0]));
  EXPECT_EQ(resolver_.asked.size(), 4u);
}

TEST_F(TargetDirectoryTest, TenThousandWatchersCauseOneLookup) {
  size_t told = 0;
  for (int i = 0; i < 10'000; ++i) directory_->watch(kServer, [&](const Resolution&) { ++told; });
  loop_.advance(100ms);
  EXPECT_EQ(told, 10'000u);
  EXPECT_EQ(asked("NAPTR srv.test"), 1u);
  EXPECT_EQ(asked("SRV _sip._udp.srv.test"), 1u);
}

TEST_F(TargetDirectoryTest, ReResolvedAtTheTtlAndToldOnlyOfAChange) {
  std::vector<Resolution> told;
  watch(told);
  loop_.advance(100ms);
  ASSERT_EQ(told.size(), 1u);
  loop_.advance(60s - 100ms - 1ms);
  EXPECT_EQ(asked("SRV _sip._udp.srv.test"), 1u) << "not before the TTL";
  loop_.advance(100ms);
  EXPECT_EQ(asked("SRV _sip._udp.srv.test"), 2u) << "at the TTL";
  EXPECT_EQ(told.size(), 1u) << "the same records: nobody told";
  // The same records with another TTL and order: still nobody told.
  auto& records = resolver_.srv_["_sip._udp.srv.test"];
  std::swap(records[0], records[1]);
  for (auto& record : records) record.ttl = Seconds(90);
  loop_.advance(60s);
  EXPECT_EQ(asked("SRV _sip._udp.srv.test"), 3u);
  EXPECT_EQ(told.size(), 1u);
  // A changed record: told, at the next lookup (90 s later, the new TTL).
  records[0].port = 25070;
  loop_.advance(90s);
  EXPECT_EQ(asked("SRV _sip._udp.srv.test"), 4u);
  ASSERT_EQ(told.size(), 2u);
  EXPECT_FALSE(same_records(told[0], told[1]));
}

TEST_F(TargetDirectoryTest, ATtlBelowTheFloorWaitsForTheFloor) {
  for (auto& record : resolver_.srv_["_sip._udp.srv.test"]) record.ttl = Seconds(1);
  std::vector<Resolution> told;
  watch(told);
  loop_.advance(kTtlFloor - 1ms);
  EXPECT_EQ(asked("SRV _sip._udp.srv.test"), 1u);
  loop_.advance(100ms);
  EXPECT_EQ(asked("SRV _sip._udp.srv.test"), 2u);
}

TEST_F(TargetDirectoryTest, ASilentDnsServerKeepsTheLastGoodSetAndIsRetried) {
  std::vector<Resolution> told;
  watch(told);
  loop_.advance(100ms);
  resolver_.silent = true;
  loop_.advance(60s + kLookupDeadline);
  EXPECT_EQ(told.size(), 1u) << "the last good set stays";
  size_t asked_before = asked("NAPTR srv.test");
  loop_.advance(kRetryAfterFailure);
  EXPECT_EQ(asked("NAPTR srv.test"), asked_before + 1) << "retried after kRetryAfterFailure";
  resolver_.silent = false;
  loop_.advance(kRetryAfterFailure + kLookupDeadline);
  EXPECT_EQ(told.size(), 1u) << "back with the same records: nothing to tell";
}

TEST_F(TargetDirectoryTest, AFirstLookupThatNobodyAnswersIsToldAsFailedAtTheDeadline) {
  resolver_.silent = true;
  std::vector<Resolution> told;
  watch(told);
  loop_.advance(kLookupDeadline - 1ms);
  EXPECT_TRUE(told.empty());
  loop_.advance(1ms);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_TRUE(told[0].failed);
  EXPECT_NE(told[0].error.find("no DNS server answered"), std::string::npos) << told[0].error;
  resolver_.silent = false;
  loop_.advance(kRetryAfterFailure + 100ms);
  ASSERT_EQ(told.size(), 2u) << "the records, once a DNS server answers";
  EXPECT_FALSE(told[1].failed);
}

TEST_F(TargetDirectoryTest, TheLastWatcherStopsTheLookups) {
  std::vector<Resolution> first, second;
  auto a = watch(first);
  auto b = watch(second);
  loop_.advance(100ms);
  directory_->unwatch(a);
  loop_.advance(60s);
  EXPECT_EQ(asked("NAPTR srv.test"), 2u) << "one watcher left: still re-resolved";
  directory_->unwatch(b);
  EXPECT_EQ(loop_.timers(), 0u);
  loop_.advance(3600s);
  EXPECT_EQ(asked("NAPTR srv.test"), 2u);
  EXPECT_EQ(first.size(), 1u);
}

TEST_F(TargetDirectoryTest, AWatcherMayUnwatchFromItsOwnCall) {
  TargetDirectory::WatchId id = 0;
  int calls = 0;
  id = directory_->watch(kServer, [&](const Resolution&) {
    ++calls;
    directory_->unwatch(id);
  });
  loop_.advance(100ms);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop_.timers(), 0u);
}

TEST_F(TargetDirectoryTest, AConfiguredTransportAsksItsSrvNameAloneWithoutNaptr) {
  std::vector<Resolution> told;
  directory_->watch({.host = "srv.test", .transport = Transport::kUdp},
                    [&](const Resolution& got) { told.push_back(got); });
  loop_.advance(100ms);
  EXPECT_EQ(resolver_.asked, (std::vector<std::string>{"SRV _sip._udp.srv.test"}));
  ASSERT_EQ(told.size(), 1u);
}

TEST_F(TargetDirectoryTest, AServerWithAPortHasNoRecordsAndNoLookups) {
  std::vector<Resolution> told;
  directory_->watch({.host = "srv.test", .port = 5070},
                    [&](const Resolution& got) { told.push_back(got); });
  loop_.advance(3600s);
  EXPECT_TRUE(resolver_.asked.empty());
  ASSERT_EQ(told.size(), 1u);
  EXPECT_TRUE(told[0].names.empty());
}

TEST_F(TargetDirectoryTest, ResolveOnceIsItsOwnLookupWithinItsDeadline) {
  std::optional<Resolution> got;
  directory_->resolve_once(kServer, 2s, [&](const Resolution& r) { got = r; });
  loop_.advance(100ms);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->srv.at("_sip._udp.srv.test").size(), 2u);
  resolver_.silent = true;
  got.reset();
  directory_->resolve_once(kServer, 2s, [&](const Resolution& r) { got = r; });
  loop_.advance(2s - 1ms);
  EXPECT_FALSE(got);
  loop_.advance(1ms);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->failed);
}

}  // namespace
}  // namespace sipsentry::resolve
