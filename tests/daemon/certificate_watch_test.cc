// The daemon's certificate watch: one read per distinct TLS endpoint
// however many lines name it, on one thread, at start, after a reload for
// new endpoints, then every interval; readings reach the lines on the
// event loop (here the test's thread), and stop() is prompt.
#include "daemon/certificate_watch.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace sipsentry::daemon {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using tls::TlsEndpoint;

const tls::WallTime kExpiry = tls::WallTime{} + std::chrono::seconds(1'800'000'000);

/// A line whose primary is TLS on 127.0.0.1:`port` and whose backup is UDP.
config::LineConfig tls_line(const std::string& name, uint16_t port,
                            std::chrono::milliseconds warning = std::chrono::days(14)) {
  config::LineConfig line;
  line.settings.name = name;
  line.settings.servers = {
      {.name = "tls-" + std::to_string(port),
       .address = "127.0.0.1",
       .port = port,
       .transport = engine::Transport::kTls},
      {.name = "udp", .address = "127.0.0.1", .port = 5060, .transport = engine::Transport::kUdp}};
  line.server_names = {{"127.0.0.1", port, engine::Transport::kTls},
                       {"127.0.0.1", 5060, engine::Transport::kUdp}};
  line.tls.expiry_warning = warning;
  return line;
}

/// The event loop: work posted from the watch's thread, run on the test's.
class FakeLoop {
 public:
  CertificateWatch::Post post() {
    return [this](std::function<void()> work) {
      {
        std::lock_guard lock(mutex_);
        work_.push_back(std::move(work));
      }
      wake_.notify_all();
    };
  }
  /// Runs posted work until `done` (true) or `patience` has passed (false).
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds patience = 5s) {
    auto deadline = Clock::now() + patience;
    while (!done()) {
      std::unique_lock lock(mutex_);
      if (!wake_.wait_until(lock, deadline, [this] { return !work_.empty(); })) return false;
      auto work = std::move(work_.front());
      work_.pop_front();
      lock.unlock();
      work();
    }
    return true;
  }
  size_t pending() {
    std::lock_guard lock(mutex_);
    return work_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> work_;
};

/// The network: counts and times the reads of each endpoint; a port in
/// `refusing` fails.
struct FakeNetwork {
  std::mutex mutex;
  std::map<uint16_t, std::vector<Clock::time_point>> reads;
  std::set<uint16_t> refusing;

  CertificateWatch::Reader reader() {
    return [this](const TlsEndpoint& endpoint, const std::atomic<bool>&,
                  std::string& error) -> std::optional<tls::ChainDates> {
      std::lock_guard lock(mutex);
      reads[endpoint.port].push_back(Clock::now());
      if (refusing.contains(endpoint.port)) {
        error = "connect: Connection refused";
        return std::nullopt;
      }
      return tls::ChainDates{.earliest_not_after = kExpiry + std::chrono::seconds(endpoint.port),
                             .latest_not_before = tls::WallTime{},
                             .certificates = 2};
    };
  }
  size_t count(uint16_t port) {
    std::lock_guard lock(mutex);
    return reads[port].size();
  }
};

struct Delivered {
  std::string line;
  size_t server;
  tls::CertificateReading reading;
};

class CertificateWatchTest : public ::testing::Test {
 protected:
  std::unique_ptr<CertificateWatch> watch(std::chrono::milliseconds interval = 1h) {
    return std::make_unique<CertificateWatch>(
        loop_.post(),
        [this](const std::string& line, size_t server, const tls::CertificateReading& reading) {
          delivered_.push_back({line, server, reading});
        },
        network_.reader(), interval);
  }

  FakeLoop loop_;
  FakeNetwork network_;
  std::vector<Delivered> delivered_;
};

TEST_F(CertificateWatchTest, TenThousandLinesNamingOnePbxCostOneHandshake) {
  std::vector<config::LineConfig> lines;
  for (int i = 0; i < 10'000; ++i) lines.push_back(tls_line("line" + std::to_string(i), 5061));
  auto watching = watch();
  watching->apply(lines);
  ASSERT_TRUE(loop_.run_until([&] { return delivered_.size() == lines.size(); }));
  EXPECT_EQ(network_.count(5061), 1u);
  EXPECT_EQ(network_.count(5060), 0u) << "the UDP backup has no certificate";
  for (const Delivered& d : delivered_) {
    ASSERT_EQ(d.server, 0u);
    ASSERT_TRUE(d.reading.dates);
    ASSERT_EQ(d.reading.dates->earliest_not_after, kExpiry + 5061s);
    ASSERT_EQ(d.reading.error, "");
  }
}

TEST_F(CertificateWatchTest, AReloadReadsNewEndpointsAtOnceAndGivesRestartedLinesTheLastReading) {
  auto watching = watch();
  watching->apply({tls_line("desk", 5061)});
  ASSERT_TRUE(loop_.run_until([&] { return delivered_.size() == 1; }));
  delivered_.clear();
  // desk restarted with another warning, hall new on another PBX.
  watching->apply({tls_line("desk", 5061, std::chrono::days(30)), tls_line("hall", 5071)});
  ASSERT_EQ(delivered_.size(), 1u) << "the last reading, at once, for the restarted line";
  EXPECT_EQ(delivered_[0].line, "desk");
  EXPECT_EQ(delivered_[0].reading.warning, std::chrono::days(30));
  ASSERT_TRUE(loop_.run_until([&] { return delivered_.size() == 2; }));
  EXPECT_EQ(delivered_[1].line, "hall");
  EXPECT_EQ(network_.count(5071), 1u);
  EXPECT_EQ(network_.count(5061), 1u) << "an endpoint already read waits for its round";
}

TEST_F(CertificateWatchTest, AnEndpointNoLongerNamedDeliversNothingMore) {
  auto watching = watch();
  watching->apply({tls_line("desk", 5061)});
  watching->apply({tls_line("hall", 5071)});  // before or while desk's PBX is read
  // Readings come in the order of the reads: desk's, if it was read, first.
  ASSERT_TRUE(loop_.run_until([&] { return !delivered_.empty(); }));
  ASSERT_EQ(delivered_.size(), 1u);
  EXPECT_EQ(delivered_[0].line, "hall");
}

TEST_F(CertificateWatchTest, EveryEndpointIsReadAgainEachIntervalAndAFailureKeepsTheLastDates) {
  constexpr auto kInterval = 100ms;
  auto watching = watch(kInterval);
  watching->apply({tls_line("desk", 5061)});
  ASSERT_TRUE(loop_.run_until([&] { return delivered_.size() == 1; }));
  {
    std::lock_guard lock(network_.mutex);
    network_.refusing.insert(5061);
  }
  ASSERT_TRUE(loop_.run_until([&] { return delivered_.size() == 3; }));
  const tls::CertificateReading& failed = delivered_.back().reading;
  EXPECT_EQ(failed.error, "connect: Connection refused");
  ASSERT_TRUE(failed.dates) << "the chain read before stays";
  EXPECT_EQ(failed.dates->earliest_not_after, kExpiry + 5061s);
  std::lock_guard lock(network_.mutex);
  const auto& reads = network_.reads[5061];
  ASSERT_EQ(reads.size(), 3u);
  // The rounds follow the interval: never sooner (a little clock slack).
  EXPECT_GE(reads[2] - reads[1], kInterval - 5ms);
  EXPECT_LT(reads[2] - reads[1], kInterval + 1s);
}

TEST_F(CertificateWatchTest, StopBetweenReadsIsPromptAndNothingIsPostedAfterIt) {
  auto watching = watch();
  watching->apply({tls_line("desk", 5061)});
  ASSERT_TRUE(loop_.run_until([&] { return delivered_.size() == 1; }));
  auto started = Clock::now();
  watching->stop();
  EXPECT_LT(Clock::now() - started, 100ms) << "the worker waits an hour on a condition variable";
  watching->apply({tls_line("hall", 5071)});
  EXPECT_FALSE(loop_.run_until([&] { return loop_.pending() > 0; }, 300ms)) << "nothing after stop";
  EXPECT_EQ(network_.count(5071), 0u);
}

TEST_F(CertificateWatchTest, StopCancelsAReadInProgress) {
  std::promise<void> reading;
  std::atomic<bool> saw_cancel{false};
  auto watching = std::make_unique<CertificateWatch>(
      loop_.post(), [](const std::string&, size_t, const tls::CertificateReading&) {},
      [&](const TlsEndpoint&, const std::atomic<bool>& stopping,
          std::string& error) -> std::optional<tls::ChainDates> {
        reading.set_value();
        // A handshake that would take its 10 s, looking at the flag as the real one does.
        for (auto end = Clock::now() + 10s; Clock::now() < end && !stopping;)
          std::this_thread::sleep_for(5ms);
        saw_cancel = stopping.load();
        error = "cancelled (handshake)";
        return std::nullopt;
      });
  watching->apply({tls_line("desk", 5061)});
  ASSERT_EQ(reading.get_future().wait_for(5s), std::future_status::ready);
  auto started = Clock::now();
  watching.reset();
  EXPECT_LT(Clock::now() - started, 150ms) << "joined, not the read's 10 s";
  EXPECT_TRUE(saw_cancel);
  EXPECT_FALSE(loop_.run_until([&] { return loop_.pending() > 0; }, 300ms))
      << "the cancelled read's result is not posted";
}

}  // namespace
}  // namespace sipsentry::daemon
