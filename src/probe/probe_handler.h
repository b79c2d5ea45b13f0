#pragma once
// GET /probe?target=sip:HOST[:PORT][;transport=…]&module=NAME[&debug=true]:
// one probe per scrape, blackbox_exporter's multi-target pattern. It
// answers on an HTTP thread, runs the probe on the SIP event loop (posted
// there), and waits for it within the scrape's timeout.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "config/probe_settings.h"
#include "probe/one_probe.h"
#include "sip/sip_agent.h"

namespace sipsentry::probe {

/// One HTTP answer.
struct Reply {
  int status = 200;
  std::string content_type{};
  std::string body{};
};

/// Probes at most this many targets at once; more scrapes meanwhile are 503.
constexpr int kMaxProbesInFlight = 32;
/// Taken off the scrape's timeout, so that the answer is back before
/// Prometheus gives up: the loop's answer and the HTTP reply need a moment.
constexpr engine::Millis kScrapeMargin{500};
/// The scrape's timeout when it does not say (no X-Prometheus-Scrape-Timeout-Seconds).
constexpr engine::Millis kDefaultScrapeTimeout{10'000};

class ProbeHandler {
 public:
  ProbeHandler() = default;
  ProbeHandler(const ProbeHandler&) = delete;
  ProbeHandler& operator=(const ProbeHandler&) = delete;

  /// The agent whose loop runs the probes; until then /probe is 503.
  /// REQUIRES: the agent outlives every answer() (close() first).
  void attach(sip::SipAgent& agent) { agent_ = &agent; }
  /// The modules and allowed targets of the configuration (at start and
  /// on every reload). Safe from any thread.
  void configure(const std::map<std::string, config::ProbeModule>& modules,
                 const config::ProbeSettings& settings);

  /// Answers a GET of /probe with `query` (as sent, without '?') and the
  /// value of its X-Prometheus-Scrape-Timeout-Seconds header, if any.
  /// Waits for the probe: call it on an HTTP thread, never on the loop.
  Reply answer(std::string_view query, std::optional<std::string_view> scrape_timeout);

  /// Answers every waiting scrape at once (503) and every later one too:
  /// the daemon stops and its loop runs no more probes.
  void close();

 private:
  struct Setup {
    std::map<std::string, config::ProbeModule> modules;
    config::ProbeSettings settings;
  };
  struct Asked;  // one scrape's request, checked
  std::optional<Reply> check(std::string_view query, std::optional<std::string_view> timeout,
                             Asked& asked) const;
  std::optional<ProbeResult> run(const Asked& asked, sip::OutgoingRequest request);
  void start_on_loop(uint64_t id, const std::string& uri, const sip::OutgoingRequest& request,
                     std::shared_ptr<std::optional<ProbeResult>> slot);

  std::atomic<sip::SipAgent*> agent_{nullptr};
  mutable std::mutex mutex_;  // guards setup_, closed_ and the probes' results
  std::condition_variable answered_;
  std::shared_ptr<const Setup> setup_ = std::make_shared<Setup>();
  bool closed_ = false;
  std::atomic<int> in_flight_{0};
  std::atomic<uint64_t> next_id_{1};
  // On the loop only: the probes running, by id, so that a scrape that gave
  // up can abandon its probe.
  std::map<uint64_t, std::shared_ptr<OneProbe>> running_;
};

}  // namespace sipsentry::probe
