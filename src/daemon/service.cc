#include "daemon/service.h"

#include <thread>

#include "daemon/heap_policy.h"
#include "daemon/signals.h"
#include "status/status_routes.h"

namespace sipsentry::daemon {
namespace {

/// How long a stopping daemon waits for its un-REGISTERs: the whole stop,
/// the HTTP endpoint's included, stays within 2 s.
constexpr engine::Millis kShutdownGrace{1500};
/// How often the dropped-message counter is brought up to date.
constexpr engine::Millis kHousekeepingInterval{1000};
// Free heap pages go back to the kernel this often, and when all lines have
// started (the start-up storm is over) and after a reload.
constexpr int kHousekeepingsPerHeapReturn = 60;

std::chrono::system_clock::time_point wall_now() {
  return std::chrono::system_clock::now();
}

/// Everything of `config` but its lines.
config::Config without_lines(const config::Config& config) {
  return {config.metrics,     config.sip,     config.log,  config.startup, {},
          config.source_path, config.modules, config.probe};
}

/// The status page and JSON API, and /probe.
metrics::MetricsEndpoint::PageSource page_source(const status::StatusBoard& board,
                                                 probe::ProbeHandler& probes) {
  using Reply = metrics::MetricsEndpoint::PageReply;
  return [&board,
          &probes](const metrics::MetricsEndpoint::PageRequest& request) -> std::optional<Reply> {
    if (request.path == "/probe") {
      probe::Reply reply =
          probes.answer(request.query, request.header("X-Prometheus-Scrape-Timeout-Seconds"));
      return Reply{reply.status, std::move(reply.content_type), std::move(reply.body)};
    }
    std::optional<status::Reply> reply =
        status::answer(board, request.path, request.query, wall_now());
    if (!reply) return std::nullopt;
    return Reply{reply->status, std::move(reply->content_type), std::move(reply->body)};
  };
}

}  // namespace

Service::Service(const config::Config& config, ServiceOptions options,
                 const config::Environment& environment, std::ostream& log_stream)
    : config_(without_lines(config)),
      options_(std::move(options)),
      environment_(environment),
      log_(log_stream, EventLog::format_named(config.log.format),
           parse_log_level(config.log.level)) {}

Service::~Service() {
  // A service that never served (a failed start) still has its endpoint:
  // its HTTP threads must be done before the handler and the agent go.
  probes_.close();
  endpoint_.reset();
}

std::unique_ptr<Service> Service::start(ServiceConfig loaded, ServiceOptions options,
                                        const config::Environment& environment,
                                        std::ostream& log_stream, std::string& error) {
  const config::Config& config = *loaded.loaded.config;
  std::unique_ptr<Service> service(
      new Service(config, std::move(options), environment, log_stream));
  Service& s = *service;
  s.probes_.configure(config.modules, config.probe);
  s.endpoint_ = metrics::MetricsEndpoint::start(config.metrics.listen, s.recorder_, error,
                                                page_source(s.status_board_, s.probes_));
  if (!s.endpoint_) return nullptr;
  // Sofia's own diagnostics at debug level, warnings (TLS verification off) at warn.
  sip::AgentOptions sip_options{.bind = config.sip.bind};
  sip_options.log = [&log = s.log_](sip::LogSeverity severity, const std::string& text) {
    log.message(severity == sip::LogSeverity::kWarning ? LogLevel::kWarn : LogLevel::kDebug, text);
  };
  s.agent_ = sip::SipAgent::create(sip_options, error);
  if (!s.agent_) return nullptr;
  s.probes_.attach(*s.agent_);
  if (!s.options_.pidfile.empty()) {
    s.pidfile_ = Pidfile::create(s.options_.pidfile, error);
    if (!s.pidfile_) return nullptr;
  }
  s.recorder_.config_loaded(true, wall_now());
  s.recorder_.set_per_line_histograms(config.metrics.per_line_histograms);
  s.monitor_ = std::make_unique<Monitor>(*s.agent_, s.observers_, [&s] {
    s.endpoint_->set_ready(true);
    return_free_heap();
  });
  s.monitor_->apply(config.lines, config.startup);
  s.certificates_ = watch_certificates(*s.agent_, s.recorder_, s.status_board_);
  s.certificates_->apply(config.lines);
  s.log_.message(LogLevel::kInfo, "started with " + std::to_string(config.lines.size()) +
                                      " line(s) from " + s.options_.config_path +
                                      shard_note(loaded) + "; metrics on http://" +
                                      s.endpoint_->address() + "/metrics");
  s.warn_if_shard_is_empty(loaded);
  s.housekeeping();
  return service;
}

void Service::housekeeping() {
  using DropReason = metrics::MetricsRecorder::DropReason;
  recorder_.dropped_sip_messages(DropReason::kMalformed, agent_->malformed_messages());
  recorder_.dropped_sip_messages(DropReason::kOutOfRange, agent_->out_of_range_messages());
  if (++housekeepings_ % kHousekeepingsPerHeapReturn == 0) return_free_heap();
  agent_->start_timer(kHousekeepingInterval, [this] { housekeeping(); });
}

void Service::warn_if_shard_is_empty(const ServiceConfig& loaded) {
  if (!shard_is_empty(loaded)) return;
  log_.message(LogLevel::kWarn, "shard " + config::to_string(loaded.shard->shard) +
                                    " holds none of the " + std::to_string(loaded.shard->total) +
                                    " line(s) of " + options_.config_path +
                                    "; serving metrics until a reload brings one");
}

void Service::serve() {
  for (;;) {
    agent_->run_until(signal_pending);
    SignalRequest request = take_signal_request();
    if (request == SignalRequest::kStop) break;
    if (request == SignalRequest::kReload) reload();
  }
  shut_down();
}

void Service::reload() {
  ServiceConfig loaded = load_service_config(options_, environment_);
  if (!loaded.loaded.config) {
    for (const config::Diagnostic& error : loaded.loaded.errors)
      log_.message(LogLevel::kError,
                   "reload refused, the running configuration stays: " + error.to_string());
    recorder_.config_loaded(false, wall_now());
    return;
  }
  const config::Config& fresh = *loaded.loaded.config;
  if (fresh.metrics.listen != config_.metrics.listen || fresh.sip.bind != config_.sip.bind)
    log_.message(LogLevel::kWarn,
                 "metrics.listen and sip.bind take effect when sipsentry restarts; "
                 "still serving on the old addresses");
  log_.reconfigure(EventLog::format_named(fresh.log.format), parse_log_level(fresh.log.level));
  recorder_.set_per_line_histograms(fresh.metrics.per_line_histograms);
  probes_.configure(fresh.modules, fresh.probe);
  ReloadPlan plan = monitor_->apply(fresh.lines, fresh.startup);
  certificates_->apply(fresh.lines);
  config_.metrics.per_line_histograms = fresh.metrics.per_line_histograms;
  config_.startup = fresh.startup;
  config_.log = fresh.log;
  recorder_.config_loaded(true, wall_now());
  log_.message(LogLevel::kInfo,
               "reloaded " + options_.config_path + shard_note(loaded) + ": " + summary(plan));
  warn_if_shard_is_empty(loaded);
}

void Service::shut_down() {
  log_.message(LogLevel::kInfo, "stopping");
  certificates_->stop();
  endpoint_->set_ready(false);
  probes_.close();  // scrapes waiting for a probe answer now: the loop is about to stop
  // civetweb takes a while to stop listening: let it, while the engines
  // send their un-REGISTERs.
  std::thread endpoint_stop([endpoint = std::move(endpoint_)]() mutable { endpoint.reset(); });
  monitor_->stop();
  engine::Millis deadline = agent_->now() + kShutdownGrace;
  agent_->run_until([&] { return monitor_->idle(); }, deadline);
  endpoint_stop.join();
  log_.message(LogLevel::kInfo, "stopped");
}

}  // namespace sipsentry::daemon
