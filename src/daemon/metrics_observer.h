#pragma once

#include "daemon/event_observer.h"
#include "metrics/metrics_recorder.h"

namespace sipsentry::daemon {

/// Feeds the metrics: a line's series appear when it starts and disappear
/// when a reload removes it; each event is stamped with the wall clock for
/// the timestamp gauges (the engine itself knows only monotonic time).
class MetricsObserver : public EventObserver {
 public:
  /// REQUIRES: `recorder` outlives the observer.
  explicit MetricsObserver(metrics::MetricsRecorder& recorder) : recorder_(recorder) {}

  void on_event(const engine::LineSettings& line, const engine::Event& event) override {
    recorder_.record(line, event, std::chrono::system_clock::now());
  }
  void on_line_added(const engine::LineSettings& line) override { recorder_.add_line(line); }
  void on_line_removed(const std::string& name) override { recorder_.remove_line(name); }

 private:
  metrics::MetricsRecorder& recorder_;
};

}  // namespace sipsentry::daemon
