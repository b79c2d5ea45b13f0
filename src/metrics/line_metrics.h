// A private header of metrics/: how one line's events move its record and
// the distributions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/event.h"
#include "engine/line_settings.h"
#include "metrics/distributions.h"
#include "metrics/line_record.h"

namespace sipsentry::metrics {

/// Turns one line's settings and events into its series. Short-lived: made
/// for one call, it holds references only.
class LineMetrics {
 public:
  LineMetrics(LineRecord& record, Distributions& distributions, const engine::LineSettings& line);

  /// Sets the record to the line's start (see MetricsRecorder::add_line())
  /// and creates the line's distributions at 0.
  void create();
  /// Creates at 0 the distributions that `record`'s line can fill, so that
  /// rate() sees their first observation.
  static void add_distributions(Distributions& distributions, std::string_view line,
                                const LineRecord& record);
  /// Applies `event`; `wall_seconds` is its Unix time.
  void record(const engine::Event& event, double wall_seconds);

 private:
  void on(const engine::StateChanged& changed);
  void on(const engine::Registered& registered);
  void on(const engine::Failover& failover);
  void on(const engine::Failback& failback);
  void on(const engine::FailbackProbe& probe);
  void on(const engine::RegisterFailure& failure);
  void on(const engine::RequestFinished& request);
  void on(const engine::TestCallFinished& call);
  void on(const engine::ServerRegistration& holding);

  void set_registered_on(std::optional<size_t> server);
  void switched();
  const std::string& name_of(size_t server) const;

  LineRecord& record_;
  Distributions& distributions_;
  const engine::LineSettings& line_;
  double wall_seconds_ = 0;  // of the event being recorded
};

}  // namespace sipsentry::metrics
