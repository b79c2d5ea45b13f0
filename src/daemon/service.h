#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "config/environment.h"
#include "daemon/event_log.h"
#include "daemon/metrics_observer.h"
#include "daemon/monitor.h"
#include "daemon/observer_list.h"
#include "daemon/pidfile.h"
#include "metrics/metrics_endpoint.h"
#include "metrics/metrics_recorder.h"
#include "sip/sip_agent.h"

namespace sipsentry::daemon {

struct ServiceOptions {
  std::string config_path;  // read again on SIGHUP
  std::string pidfile{};    // empty: none
};

/// `sipsentry run`: every line of the configuration on the wire, the
/// metrics endpoint, the event log, reload on SIGHUP and a clean stop on
/// SIGTERM or SIGINT. Everything runs on the SIP agent's event loop; only
/// the HTTP endpoint has threads of its own.
class Service {
 public:
  /// Opens the metrics endpoint, the SIP agent and the pid file. Returns
  /// nullptr with a one-line reason in `error` when any of them cannot be
  /// had (address in use, bind failure, unwritable pid file).
  /// REQUIRES: install_signal_handlers() ran before the configuration was read.
  static std::unique_ptr<Service> start(const config::Config& config, ServiceOptions options,
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
  void reload();
  void shut_down();

  config::Config config_;
  ServiceOptions options_;
  const config::Environment& environment_;
  EventLog log_;
  metrics::MetricsRecorder recorder_;
  MetricsObserver metrics_observer_{recorder_};
  ObserverList observers_{{&log_, &metrics_observer_}};
  std::unique_ptr<metrics::MetricsEndpoint> endpoint_;
  std::unique_ptr<sip::SipAgent> agent_;
  std::unique_ptr<Monitor> monitor_;
  std::unique_ptr<Pidfile> pidfile_;
};

}  // namespace sipsentry::daemon
