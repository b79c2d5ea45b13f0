#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/event.h"
#include "engine/line_settings.h"

namespace sipsentry::metrics {

/// The Prometheus metrics of spec.md §8, fed by engine events. Owns its own
/// text exposition.
///
/// The series live in compact per-line records, and the exposition is
/// written from them: at 10,000 lines prometheus-cpp's per-series objects
/// and scrape-time copies cost hundreds of MB and seconds per scrape.
///
/// Threading: every method but scrape() and scrape_chunks() is called from
/// one thread, the event loop's. Scrapes may run at the same time on HTTP
/// threads; one mutex guards the records, held by a scrape for one batch
/// of lines at a time.
///
/// Labels carry only bounded values from the configuration and the engine:
/// line and server names, roles, states, methods, reasons, status classes
/// and codes. Never a credential, a Call-ID or a random value.
class MetricsRecorder {
 public:
  using WallTime = std::chrono::system_clock::time_point;

  /// Starts with sipsentry_build_info{version} = 1,
  /// sipsentry_config_last_reload_successful = 0, no lines, and the
  /// distributions aggregated per server.
  MetricsRecorder();
  ~MetricsRecorder();
  MetricsRecorder(const MetricsRecorder&) = delete;
  MetricsRecorder& operator=(const MetricsRecorder&) = delete;

  /// metrics.per_line_histograms: whether the distributions carry `line`
  /// too. A change starts them anew (a reload that turns it on or off).
  void set_per_line_histograms(bool per_line);

  /// Creates the series of `line` at their initial values, so that
  /// dashboards see the line before its first event: state `registering`,
  /// not registered, active on no server, failure counters at 0. A line
  /// already known starts over, as its engine does when a reload changed it.
  void add_line(const engine::LineSettings& line);

  /// Removes every series that carries line="`name`" (a reload dropped it),
  /// and the distributions of servers no other line uses.
  void remove_line(const std::string& name);

  /// Applies one event of `line` (see line_metrics.cc for the mapping).
  /// `wall_time` is the Unix time of the event, for the timestamp gauges.
  /// A line not added yet is added first.
  /// REQUIRES: the event's server indexes are indexes into `line.servers`.
  void record(const engine::LineSettings& line, const engine::Event& event, WallTime wall_time);

  /// The certificate chain of the line's server `server` (an index into its
  /// servers) was read: sipsentry_tls_certificate_expiry_timestamp_seconds
  /// {line,server} is its earliest notAfter from now on, until the next
  /// reading or until the line goes. A line not added is ignored.
  void certificate_read(const std::string& line, size_t server, WallTime earliest_not_after);

  /// The configuration was loaded (or reloaded): `ok` says whether it was
  /// accepted. A success also sets the success timestamp to `when`.
  void config_loaded(bool ok, WallTime when);

  /// Why the SIP agent dropped a message: the `reason` label of
  /// sipsentry_sip_messages_dropped_total, one series each.
  enum class DropReason {
    kMalformed,   // "malformed": it could not be parsed
    kOutOfRange,  // "out_of_range": it parsed, but a number was out of range
  };
  /// The SIP agent's running total of messages it dropped for `reason`; the
  /// counter sipsentry_sip_messages_dropped_total{reason} follows it.
  void dropped_sip_messages(DropReason reason, uint64_t total);

  /// The text exposition format (version 0.0.4) of every series, in pieces
  /// to be sent one after the other (no copy of the whole body is made).
  /// A line added or removed during the scrape may be left out of it.
  /// Safe to call from any thread (see the class comment).
  std::vector<std::string> scrape_chunks() const;
  /// The same, in one string (for tests and small bodies).
  std::string scrape() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sipsentry::metrics
