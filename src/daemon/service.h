#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "config/environment.h"
#include "daemon/certificate_watch.h"
#include "daemon/event_log.h"
#include "daemon/metrics_observer.h"
#include "daemon/monitor.h"
#include "daemon/observer_list.h"
#include "daemon/pidfile.h"
#include "daemon/service_config.h"
#include "daemon/service_options.h"
#include "metrics/metrics_endpoint.h"
#include "metrics/metrics_recorder.h"
#include "probe/probe_handler.h"
#include "sip/sip_agent.h"
#include "status/status_board.h"

namespace sipsentry::daemon {

/// `sipsentry run`: every line of the configuration on the wire, the
/// metrics endpoint, the event log, reload on SIGHUP and a clean stop on
/// SIGTERM or SIGINT. Everything runs on the SIP agent's event loop; only
/// the HTTP endpoint has threads of its own.
class Service {
 public:
  /// Opens the metrics endpoint, the SIP agent and the pid file. Returns
  /// nullptr with a one-line reason in `error` when any of them cannot be
  /// had (address in use, bind failure, unwritable pid file).
  /// REQUIRES: `loaded` holds a configuration (load_service_config() of
  /// `options`); install_signal_handlers() ran before it was read.
  /// The lines are handed to the monitor and `loaded` is spent: at 10,000
  /// lines every copy of the configuration costs megabytes.
  static std::unique_ptr<Service> start(ServiceConfig loaded, ServiceOptions options,
                                        const config::Environment& environment,
                                        std::ostream& log_stream, std::string& error);
  ~Service();

  /// Runs until SIGTERM or SIGINT, reloading on SIGHUP, then stops cleanly:
  /// un-REGISTERs where configured, within the shutdown grace.
  void serve();

 private:
  Service(const config::Config& config, ServiceOptions options,
          const config::Environment& environment, std::ostream& log_stream);
  void housekeeping();
  void warn_if_shard_is_empty(const ServiceConfig& loaded);
  void reload();
  void shut_down();

  config::Config config_;  // its lines left out: the monitor's drivers hold them
  ServiceOptions options_;
  const config::Environment& environment_;
  EventLog log_;
  metrics::MetricsRecorder recorder_;
  MetricsObserver metrics_observer_{recorder_};
  // The status page's and the JSON API's view, with the event log's text
  // for the recent events (switches and failures: info level and above).
  status::StatusBoard status_board_{
      [](const engine::LineSettings& line,
         const engine::Event& event) -> std::optional<status::StatusBoard::Described> {
        LogLevel level = EventLog::level_of(line, event);
        if (level < LogLevel::kInfo) return std::nullopt;  // before any text is made
        return status::StatusBoard::Described{EventLog::level_name(level),
                                              EventLog::text_of(line, event)};
      }};
  ObserverList observers_{{&log_, &metrics_observer_, &status_board_}};
  probe::ProbeHandler probes_;  // /probe: its probes run on the agent's loop
  std::unique_ptr<metrics::MetricsEndpoint> endpoint_;
  std::unique_ptr<sip::SipAgent> agent_;
  std::unique_ptr<Monitor> monitor_;
  std::unique_ptr<CertificateWatch> certificates_;  // TLS servers' expiry, one thread
  std::unique_ptr<Pidfile> pidfile_;
  uint64_t housekeepings_ = 0;
};

}  // namespace sipsentry::daemon
