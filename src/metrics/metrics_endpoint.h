#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "metrics/metrics_recorder.h"

namespace sipsentry::metrics {

/// The daemon's HTTP endpoint (spec.md §9), on civetweb:
///   /metrics  the recorder's text exposition
///   /healthz  200 "ok" once set_ready(true), 503 before
///   /         a short HTML index linking both
/// and whatever its PageSource answers (the daemon's status page and JSON
/// API), which comes before the index.
/// Anything else is 404; methods other than GET and HEAD are 405.
///
/// Threading: civetweb answers on its own threads (a few, not one per
/// client), which call only MetricsRecorder::scrape() and the PageSource;
/// the event loop keeps updating the recorder (and the source's data)
/// meanwhile. Those threads start with every signal
/// blocked, so SIGHUP/SIGTERM/SIGINT always reach the event loop. Like any
/// civetweb server, starting one sets SIGPIPE to be ignored process-wide.
class MetricsEndpoint {
 public:
  struct PageReply {
    int status = 200;
    std::string content_type{};
    std::string body{};
  };
  /// What a PageSource is asked.
  struct PageRequest {
    std::string_view path;   // URL-decoded
    std::string_view query;  // as sent, without '?'
    /// The value of request header `name` (case-insensitive), if sent.
    std::function<std::optional<std::string_view>(const char* name)> header;
  };
  /// Answers a GET or HEAD of a request, or nullopt for a path it does not
  /// serve. Called on the HTTP threads, several at a time; it may take a
  /// while (/probe waits for its probe), each thread serving one request.
  using PageSource = std::function<std::optional<PageReply>(const PageRequest& request)>;

  /// Listens on `listen`, "HOST:PORT" with an IPv4 address or a host name
  /// (port 0: any free port), and serves `recorder`. Returns nullptr and
  /// sets `error` when it cannot, e.g. "metrics address 127.0.0.1:9730 is
  /// in use".
  /// REQUIRES: `recorder`, and what `pages` uses, outlive the endpoint.
  static std::unique_ptr<MetricsEndpoint> start(const std::string& listen,
                                                const MetricsRecorder& recorder, std::string& error,
                                                PageSource pages = {});
  /// Stops listening and waits for the requests being answered.
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  /// The port it listens on: the one asked for, or the one picked for 0.
  uint16_t port() const;
  /// "HOST:PORT" with the port it listens on, for the log.
  std::string address() const;

  /// Whether /healthz says 200 (ready) or 503. Safe from any thread.
  void set_ready(bool ready);

 private:
  struct Impl;
  explicit MetricsEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sipsentry::metrics
