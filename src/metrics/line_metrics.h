// A private header of metrics/: one line's view of the families.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "engine/event.h"
#include "engine/line_settings.h"
#include "metrics/families.h"
#include "metrics/line_series.h"

namespace sipsentry::metrics {

/// Turns one line's settings and events into its series. Short-lived: made
/// for one call, it holds references only.
class LineMetrics {
 public:
  LineMetrics(Families& families, LineSeries& series, const engine::LineSettings& line);

  /// Creates the line's series at their initial values (see add_line()).
  void create();
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

  void set_state(engine::LineState state);
  void set_registered_on(std::optional<size_t> server);
  void switched();
  const std::string& name_of(size_t server) const;
  prometheus::Labels server_labels(size_t server) const;
  bool failback_possible() const;

  template <typename Metric, typename... Args>
  Metric& series(prometheus::Family<Metric>& family, prometheus::Labels labels, Args&&... args) {
    return series_.get(line_.name, family, std::move(labels), std::forward<Args>(args)...);
  }

  Families& families_;
  LineSeries& series_;
  const engine::LineSettings& line_;
  double wall_seconds_ = 0;  // of the event being recorded
};

}  // namespace sipsentry::metrics
