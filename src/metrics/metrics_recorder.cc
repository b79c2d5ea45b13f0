#include "metrics/metrics_recorder.h"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "metrics/families.h"
#include "metrics/line_metrics.h"
#include "metrics/line_series.h"
#include "version.h"

namespace sipsentry::metrics {
namespace {

double unix_seconds(MetricsRecorder::WallTime time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace

struct MetricsRecorder::Impl {
  prometheus::Registry registry;
  Families families{registry};
  LineSeries lines;  // line-labelled series; the others live as long as the recorder
  prometheus::Counter& malformed{families.sip_messages_dropped.Add({{"reason", "malformed"}})};
  uint64_t malformed_seen = 0;  // the agent's total at the last call
};

MetricsRecorder::MetricsRecorder() : impl_(std::make_unique<Impl>()) {
  impl_->families.build_info.Add({{"version", kVersion}}).Set(1);
  // No load has succeeded yet; its time appears with the first success.
  impl_->families.config_reload_successful.Add({}).Set(0);
}

MetricsRecorder::~MetricsRecorder() = default;

void MetricsRecorder::add_line(const engine::LineSettings& line) {
  impl_->lines.remove(line.name);
  LineMetrics(impl_->families, impl_->lines, line).create();
}

void MetricsRecorder::remove_line(const std::string& name) {
  impl_->lines.remove(name);
}

void MetricsRecorder::record(const engine::LineSettings& line, const engine::Event& event,
                             WallTime wall_time) {
  if (!impl_->lines.has(line.name)) add_line(line);
  LineMetrics(impl_->families, impl_->lines, line).record(event, unix_seconds(wall_time));
}

void MetricsRecorder::config_loaded(bool ok, WallTime when) {
  impl_->families.config_reload_successful.Add({}).Set(ok ? 1 : 0);
  if (ok) impl_->families.config_reload_timestamp.Add({}).Set(unix_seconds(when));
}

void MetricsRecorder::malformed_sip_messages(uint64_t total) {
  // A total below the last one means the agent was made anew: all of it is new.
  uint64_t added = total >= impl_->malformed_seen ? total - impl_->malformed_seen : total;
  impl_->malformed_seen = total;
  if (added > 0) impl_->malformed.Increment(static_cast<double>(added));
}

std::string MetricsRecorder::scrape() const {
  return prometheus::TextSerializer().Serialize(impl_->registry.Collect());
}

}  // namespace sipsentry::metrics
