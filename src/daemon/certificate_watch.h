#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "metrics/metrics_recorder.h"
#include "sip/sip_agent.h"
#include "status/status_board.h"
#include "tls/chain_dates.h"
#include "tls/tls_endpoint.h"

namespace sipsentry::daemon {

/// The certificate chains of the running lines' TLS servers (tls/README.md),
/// for the expiry metric and the status page: each distinct endpoint
/// (address, port, SNI) is read once, however many lines name it, on ONE
/// worker thread: at start, at once for an endpoint a reload brings, and
/// then every kInterval. No per-line timer or thread.
///
/// Threading: apply() and the destructor run on the event loop; readings
/// reach `deliver` on the event loop through `post` (SipAgent::post).
class CertificateWatch {
 public:
  /// How often every endpoint is read again. Certificates change when
  /// someone renews them, which is rare; the issue allows a separate
  /// handshake at most hourly.
  static constexpr std::chrono::milliseconds kInterval = std::chrono::hours(1);
  /// The bound of one read, connect to end of handshake.
  static constexpr std::chrono::milliseconds kHandshakeTimeout = std::chrono::seconds(10);

  /// Reads one endpoint's chain (blocking), ending early once `stopping`
  /// is true; nullopt and `error` when none could be read. The default is
  /// tls::read_chain_dates with kHandshakeTimeout.
  using Reader = std::function<std::optional<tls::ChainDates>(
      const tls::TlsEndpoint&, const std::atomic<bool>& stopping, std::string& error)>;
  /// Runs work on the event loop soon.
  using Post = std::function<void(std::function<void()>)>;
  /// A reading for `server` (an index into the line's servers) of the line
  /// called `line`, with that line's tls.expiry_warning; on the event loop.
  using Deliver = std::function<void(const std::string& line, size_t server,
                                     const tls::CertificateReading& reading)>;

  /// Starts the worker; it reads nothing before apply() gives it endpoints.
  /// REQUIRES: whatever `post` and `deliver` use outlives the watch.
  CertificateWatch(Post post, Deliver deliver, Reader reader = {},
                   std::chrono::milliseconds interval = kInterval);
  /// Stops the worker (see stop()).
  ~CertificateWatch();
  CertificateWatch(const CertificateWatch&) = delete;
  CertificateWatch& operator=(const CertificateWatch&) = delete;

  /// Takes the TLS servers of `lines` as the set to watch: endpoints no
  /// longer named are dropped, new ones are read at once, and the last
  /// reading of every endpoint still named is delivered again to each line
  /// that names it (a line a reload restarted starts with no series).
  void apply(const std::vector<config::LineConfig>& lines);

  /// Stops the worker and joins it: nothing is delivered or posted after
  /// it returns. A worker between reads ends at once, one in a handshake
  /// within about 50 ms (the read is cancelled); one in a name lookup,
  /// which cannot be cut short, is waited for 200 ms and then left to end
  /// by itself (detached), so that the daemon's stop stays within its 2 s.
  void stop();

 private:
  struct Worker;
  struct User {
    std::string line;
    size_t server = 0;
    std::chrono::milliseconds warning{};
  };
  // What the event loop keeps: who names each endpoint, and its last reading.
  struct LoopSide {
    Deliver deliver;
    std::map<tls::TlsEndpoint, std::vector<User>> users;
    std::map<tls::TlsEndpoint, tls::CertificateReading> last;
    void on_read(const tls::TlsEndpoint& endpoint, const std::optional<tls::ChainDates>& dates,
                 const std::string& error, tls::WallTime when);
    void deliver_to_users(const tls::TlsEndpoint& endpoint) const;
  };

  std::shared_ptr<LoopSide> loop_;
  std::shared_ptr<Worker> worker_;
  std::thread thread_;
};

/// The daemon's watch: readings posted to `agent`'s event loop, each going
/// to the expiry metric (when a chain was read) and to the status board.
/// REQUIRES: all three outlive the watch.
std::unique_ptr<CertificateWatch> watch_certificates(sip::SipAgent& agent,
                                                     metrics::MetricsRecorder& recorder,
                                                     status::StatusBoard& board);

}  // namespace sipsentry::daemon
