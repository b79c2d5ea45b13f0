#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/event.h"
#include "engine/line_settings.h"

namespace sipsentry::metrics {

/// The Prometheus metrics of spec.md §8, fed by engine events. Owns its own
/// registry; prometheus-cpp stays behind this class.
///
/// Threading: every method but scrape() is called from one thread, the
/// event loop's. scrape() may run at the same time on HTTP threads: it only
/// reads the registry, whose metrics are thread-safe.
///
/// Labels carry only bounded values from the configuration and the engine:
/// line and server names, roles, states, methods, reasons, status classes
/// and codes. Never a credential, a Call-ID or a random value.
class MetricsRecorder {
 public:
  using WallTime = std::chrono::system_clock::time_point;

  /// Starts with sipsentry_build_info{version} = 1,
  /// sipsentry_config_last_reload_successful = 0 and no lines.
  MetricsRecorder();
  ~MetricsRecorder();
  MetricsRecorder(const MetricsRecorder&) = delete;
  MetricsRecorder& operator=(const MetricsRecorder&) = delete;

  /// Creates the series of `line` at their initial values, so that
  /// dashboards see the line before its first event: state `registering`,
  /// not registered, active on no server, failure counters at 0. A line
  /// already known starts over, as its engine does when a reload changed it.
  void add_line(const engine::LineSettings& line);

  /// Removes every series that carries line="`name`" (a reload dropped it).
  void remove_line(const std::string& name);

  /// Applies one event of `line` (see event_metrics.cc for the mapping).
  /// `wall_time` is the Unix time of the event, for the timestamp gauges.
  /// A line not added yet is added first.
  /// REQUIRES: the event's server indexes are indexes into `line.servers`.
  void record(const engine::LineSettings& line, const engine::Event& event, WallTime wall_time);

  /// The configuration was loaded (or reloaded): `ok` says whether it was
  /// accepted. A success also sets the success timestamp to `when`.
  void config_loaded(bool ok, WallTime when);

  /// The SIP agent's running total of malformed messages it dropped; the
  /// counter sipsentry_sip_messages_dropped_total{reason="malformed"} follows it.
  void malformed_sip_messages(uint64_t total);

  /// The text exposition format (version 0.0.4) of every series.
  /// Safe to call from any thread (see the class comment).
  std::string scrape() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sipsentry::metrics
