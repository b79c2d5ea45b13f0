// The HTTP endpoint on a real loopback port: what a Prometheus server, a
// health checker and a browser get from it.
#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "exposition.h"
#include "http_client.h"
#include "metrics/metrics_endpoint.h"
#include "sample_history.h"

namespace sipsentry::metrics {
namespace {

using testing::http_get;
using testing::http_request;

class EndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    endpoint_ = MetricsEndpoint::start("127.0.0.1:0", recorder_, error);
    ASSERT_NE(endpoint_, nullptr) << error;
    port_ = endpoint_->port();
  }

  MetricsRecorder recorder_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
  uint16_t port_ = 0;
};

TEST_F(EndpointTest, ListensOnTheFreePortItPicked) {
  EXPECT_NE(port_, 0);
  EXPECT_EQ(endpoint_->address(), "127.0.0.1:" + std::to_string(port_));
}

TEST_F(EndpointTest, MetricsServesTheExposition) {
  recorder_.add_line(testing::reception_line());
  testing::HttpResponse response = http_get(port_, "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body, recorder_.scrape());
  EXPECT_EQ(testing::value_of(response.body, "sipsentry_line_state",
                              {{"line", "reception"}, {"state", "registering"}}),
            1);
}

TEST_F(EndpointTest, HealthzIsReadyOnlyOnceTold) {
  testing::HttpResponse before = http_get(port_, "/healthz");
  EXPECT_EQ(before.status, 503);
  endpoint_->set_ready(true);
  testing::HttpResponse after = http_get(port_, "/healthz");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, "ok\n");
  endpoint_->set_ready(false);
  EXPECT_EQ(http_get(port_, "/healthz").status, 503);
}

TEST_F(EndpointTest, IndexLinksMetricsAndHealthz) {
  testing::HttpResponse response = http_get(port_, "/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(response.body.find("<a href=\"metrics\">"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("<a href=\"healthz\">"), std::string::npos) << response.body;
}

TEST_F(EndpointTest, OtherPathsAndMethodsAreRefused) {
  EXPECT_EQ(http_get(port_, "/metrics/x").status, 404);
  EXPECT_EQ(http_get(port_, "/favicon.ico").status, 404);
  testing::HttpResponse post = http_request(port_, "POST", "/metrics");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("Allow"), "GET, HEAD");
}

TEST_F(EndpointTest, HeadSendsHeadersOnly) {
  testing::HttpResponse response = http_request(port_, "HEAD", "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.header("Content-Length"), "0");
  EXPECT_EQ(response.body, "");
}

TEST_F(EndpointTest, TakenPortIsAClearError) {
  std::string error;
  std::string taken = "127.0.0.1:" + std::to_string(port_);
  EXPECT_EQ(MetricsEndpoint::start(taken, recorder_, error), nullptr);
  EXPECT_EQ(error, "metrics address " + taken + " is in use");
  // The first endpoint is unharmed.
  EXPECT_EQ(http_get(port_, "/healthz").status, 503);
}

TEST(EndpointAddressTest, MalformedAddressesAreRefusedBeforeListening) {
  MetricsRecorder recorder;
  for (std::string listen : {"9730", "127.0.0.1", "127.0.0.1:99999", "127.0.0.1:80s",
                             "127.0.0.1:1,127.0.0.2:2", ":9730", "+127.0.0.1:0"}) {
    std::string error;
    EXPECT_EQ(MetricsEndpoint::start(listen, recorder, error), nullptr) << listen;
    EXPECT_EQ(error,
              "metrics address " + listen + ": expected HOST:PORT, an IPv4 address or a name")
        << listen;
  }
}

TEST(EndpointAddressTest, AnAddressNotOfThisHostIsAnError) {
  MetricsRecorder recorder;
  std::string error;
  EXPECT_EQ(MetricsEndpoint::start("192.0.2.1:0", recorder, error), nullptr);
  EXPECT_TRUE(error.starts_with("metrics address 192.0.2.1:0: cannot bind")) << error;
}

// The daemon's status page and API come through a PageSource: it gets the
// decoded path and the raw query, answers before the index, and what it
// does not know stays 404; it never sees a POST.
TEST(EndpointPagesTest, APageSourceAnswersItsPathsWithTheirQuery) {
  MetricsRecorder recorder;
  std::string error;
  std::vector<std::string> asked;
  auto endpoint = MetricsEndpoint::start(
      "127.0.0.1:0", recorder, error,
      [&asked](const MetricsEndpoint::PageRequest& request)
          -> std::optional<MetricsEndpoint::PageReply> {
        std::string_view path = request.path;
        asked.push_back(std::string(path) + "?" + std::string(request.query));
        if (path != "/" && path != "/api/v1/lines") return std::nullopt;
        return MetricsEndpoint::PageReply{200, "application/json", "{\"query\":1}"};
      });
  ASSERT_TRUE(endpoint) << error;
  testing::HttpResponse api = http_get(endpoint->port(), "/api/v1/lines?state=registered");
  EXPECT_EQ(api.status, 200);
  EXPECT_EQ(api.header("Content-Type"), "application/json");
  EXPECT_EQ(api.body, "{\"query\":1}");
  EXPECT_EQ(http_get(endpoint->port(), "/").body, "{\"query\":1}");
  EXPECT_EQ(http_get(endpoint->port(), "/api/v1/nothing").status, 404);
  EXPECT_EQ(http_get(endpoint->port(), "/metrics").status, 200);  // never the source's
  EXPECT_EQ(http_request(endpoint->port(), "POST", "/api/v1/lines").status, 405);
  endpoint.reset();  // the HTTP threads are done with `asked`
  EXPECT_EQ(asked,
            (std::vector<std::string>{"/api/v1/lines?state=registered", "/?", "/api/v1/nothing?"}));
}

// /probe reads the scrape's timeout from a request header: a PageSource can
// look up any header, by a name in any case, and learns when one is absent.
TEST(EndpointPagesTest, APageSourceReadsTheRequestsHeaders) {
  MetricsRecorder recorder;
  std::string error;
  auto endpoint = MetricsEndpoint::start(
      "127.0.0.1:0", recorder, error,
      [](const MetricsEndpoint::PageRequest& request) -> std::optional<MetricsEndpoint::PageReply> {
        std::optional<std::string_view> timeout =
            request.header("x-prometheus-scrape-timeout-seconds");
        return MetricsEndpoint::PageReply{200, "text/plain",
                                          timeout ? std::string(*timeout) : "none"};
      });
  ASSERT_TRUE(endpoint) << error;
  EXPECT_EQ(http_request(endpoint->port(), "GET", "/probe",
                         "X-Prometheus-Scrape-Timeout-Seconds: 2.5\r\n")
                .body,
            "2.5");
  EXPECT_EQ(http_get(endpoint->port(), "/probe").body, "none");
}

/// The signals blocked in thread `tid` of this process, from /proc.
sigset_t blocked_in(const std::string& tid) {
  std::ifstream status("/proc/self/task/" + tid + "/status");
  sigset_t blocked;
  sigemptyset(&blocked);
  for (std::string line; std::getline(status, line);) {
    if (!line.starts_with("SigBlk:")) continue;
    unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
    for (int signal = 1; signal <= 64; ++signal)
      if (mask & (1ULL << (signal - 1))) sigaddset(&blocked, signal);
  }
  return blocked;
}

TEST_F(EndpointTest, ItsThreadsNeverTakeTheDaemonsSignals) {
  std::string self = std::to_string(gettid());
  int threads = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::string tid = task.path().filename();
    if (tid == self) continue;
    ++threads;
    sigset_t blocked = blocked_in(tid);
    for (int signal : {SIGHUP, SIGINT, SIGTERM})
      EXPECT_TRUE(sigismember(&blocked, signal)) << "thread " << tid << ", signal " << signal;
  }
  EXPECT_GT(threads, 0);
  // And the caller's own mask is as it was.
  sigset_t mine;
  pthread_sigmask(SIG_BLOCK, nullptr, &mine);
  EXPECT_FALSE(sigismember(&mine, SIGTERM));
}

/// What `promtool check metrics` says about `exposition`, with its exit status.
std::pair<int, std::string> promtool_check(const std::string& exposition) {
  std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("sipsentry-metrics-" + std::to_string(getpid()));
  std::ofstream(file) << exposition;
  std::string command =
      std::string(SIPSENTRY_PROMTOOL) + " check metrics < " + file.string() + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[512];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  std::filesystem::remove(file);
  return {status, output};
}

TEST_F(EndpointTest, PromtoolFindsNothingToSayAboutAScrape) {
  ASSERT_FALSE(std::string(SIPSENTRY_PROMTOOL).empty())
      << "promtool not found: packaging/install-deps.sh installs it (package prometheus)";
  engine::LineSettings line = testing::reception_line();
  testing::record_history(recorder_, line);
  // Registered again, on an SRV target: the active target's family too.
  testing::record_at(recorder_, line, std::chrono::seconds(6000),
                     engine::Registered{0, std::chrono::seconds(3600), false,
                                        engine::Target{"pbx1.example.com", 5060}});
  testing::HttpResponse response = http_get(port_, "/metrics");
  ASSERT_EQ(response.status, 200);
  ASSERT_NE(response.body.find("sipsentry_line_active_target_info{"), std::string::npos);
  auto [status, output] = promtool_check(response.body);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "");
}

}  // namespace
}  // namespace sipsentry::metrics
