#include "metrics/metrics_recorder.h"

#include <array>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <span>

#include "metrics/distributions.h"
#include "metrics/families.h"
#include "metrics/line_families.h"
#include "metrics/line_metrics.h"
#include "metrics/line_record.h"
#include "metrics/text_writer.h"
#include "version.h"

namespace sipsentry::metrics {
namespace {

double unix_seconds(MetricsRecorder::WallTime time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

// Lines written per hold of the lock: the event loop waits at most one
// batch (well under a millisecond) for a scrape, never a whole scrape.
constexpr size_t kLinesPerBatch = 256;

}  // namespace

using LineMap = std::map<std::string, LineRecord, std::less<>>;

struct MetricsRecorder::Impl {
  // Guards everything below: events come from the event loop, scrapes from
  // the HTTP threads.
  mutable std::mutex mutex;
  LineMap lines;
  std::map<std::string, int, std::less<>> lines_per_server;  // so that no server is left over
  Distributions distributions{false};
  bool config_ok = false;
  std::optional<double> config_success_time;
  // sipsentry_sip_messages_dropped_total, by DropReason.
  struct Dropped {
    uint64_t counted = 0;
    uint64_t agent_total = 0;  // the agent's total at the last call
  };
  std::array<Dropped, 2> dropped{};

  void forget(LineMap::iterator line);
  void write_process(std::string& out) const;
  // Writes the lines from `from` on, at most one batch; returns where the
  // next batch starts, or lines.end().
  LineMap::const_iterator write_lines(LineMap::const_iterator from,
                                      std::vector<std::string>& families) const;
};

void MetricsRecorder::Impl::forget(LineMap::iterator line) {
  distributions.forget_line(line->first);
  for (const ServerView& server : line->second.servers) {
    auto users = lines_per_server.find(server.name);
    if (--users->second > 0) continue;
    lines_per_server.erase(users);
    distributions.forget_server(server.name);
  }
  lines.erase(line);
}

void MetricsRecorder::Impl::write_process(std::string& out) const {
  TextWriter writer(out);
  writer.header(Families::build_info);
  writer.sample(Families::build_info.name, {{"version", kVersion}}, uint64_t{1});
  writer.header(Families::config_reload_successful);
  writer.sample(Families::config_reload_successful.name, {}, uint64_t{config_ok ? 1u : 0u});
  writer.header(Families::config_reload_timestamp);
  if (config_success_time)
    writer.sample(Families::config_reload_timestamp.name, {}, *config_success_time);
  writer.header(Families::sip_messages_dropped);
  writer.sample(Families::sip_messages_dropped.name, {{"reason", "malformed"}},
                dropped[size_t(DropReason::kMalformed)].counted);
  writer.sample(Families::sip_messages_dropped.name, {{"reason", "out_of_range"}},
                dropped[size_t(DropReason::kOutOfRange)].counted);
}

MetricsRecorder::MetricsRecorder() : impl_(std::make_unique<Impl>()) {}

MetricsRecorder::~MetricsRecorder() = default;

void MetricsRecorder::set_per_line_histograms(bool per_line) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->distributions.per_line() == per_line) return;
  impl_->distributions = Distributions(per_line);
  for (const auto& [name, record] : impl_->lines)
    LineMetrics::add_distributions(impl_->distributions, name, record);
}

void MetricsRecorder::add_line(const engine::LineSettings& line) {
  std::lock_guard lock(impl_->mutex);
  if (auto known = impl_->lines.find(line.name); known != impl_->lines.end()) impl_->forget(known);
  LineRecord& record = impl_->lines[line.name];
  LineMetrics(record, impl_->distributions, line).create();
  for (const ServerView& server : record.servers) ++impl_->lines_per_server[server.name];
}

void MetricsRecorder::remove_line(const std::string& name) {
  std::lock_guard lock(impl_->mutex);
  if (auto known = impl_->lines.find(name); known != impl_->lines.end()) impl_->forget(known);
}

void MetricsRecorder::record(const engine::LineSettings& line, const engine::Event& event,
                             WallTime wall_time) {
  if (!impl_->lines.contains(line.name)) add_line(line);  // only this thread adds lines
  std::lock_guard lock(impl_->mutex);
  LineMetrics(impl_->lines.at(line.name), impl_->distributions, line)
      .record(event, unix_seconds(wall_time));
}

void MetricsRecorder::certificate_read(const std::string& line, size_t server,
                                       WallTime earliest_not_after) {
  std::lock_guard lock(impl_->mutex);
  auto known = impl_->lines.find(line);
  if (known == impl_->lines.end() || server >= known->second.servers.size()) return;
  known->second.servers[server].certificate_expiry = unix_seconds(earliest_not_after);
}

void MetricsRecorder::config_loaded(bool ok, WallTime when) {
  std::lock_guard lock(impl_->mutex);
  impl_->config_ok = ok;
  if (ok) impl_->config_success_time = unix_seconds(when);
}

void MetricsRecorder::dropped_sip_messages(DropReason reason, uint64_t total) {
  std::lock_guard lock(impl_->mutex);
  Impl::Dropped& dropped = impl_->dropped.at(size_t(reason));
  // A total below the last one means the agent was made anew: all of it is new.
  dropped.counted += total >= dropped.agent_total ? total - dropped.agent_total : total;
  dropped.agent_total = total;
}

std::vector<std::string> MetricsRecorder::scrape_chunks() const {
  std::vector<std::string> chunks(1);
  std::span<const LineFamily> families = line_families();
  std::vector<std::string> per_family(families.size());
  for (size_t i = 0; i < families.size(); ++i) TextWriter(per_family[i]).header(families[i].family);
  std::string resume_after;  // the last line written; a line removed meanwhile is no matter
  bool first_batch = true;
  for (;;) {
    std::lock_guard lock(impl_->mutex);
    if (first_batch) impl_->write_process(chunks[0]);
    auto from = first_batch ? impl_->lines.cbegin() : impl_->lines.upper_bound(resume_after);
    first_batch = false;
    auto next = impl_->write_lines(from, per_family);
    if (next != impl_->lines.cend()) {
      resume_after = std::prev(next)->first;
      continue;
    }
    for (std::string& family : per_family) chunks.push_back(std::move(family));
    impl_->distributions.write(chunks.emplace_back());
    return chunks;
  }
}

LineMap::const_iterator MetricsRecorder::Impl::write_lines(
    LineMap::const_iterator from, std::vector<std::string>& families) const {
  std::span<const LineFamily> line_families = metrics::line_families();
  for (size_t n = 0; from != lines.cend() && n < kLinesPerBatch; ++from, ++n)
    for (size_t i = 0; i < line_families.size(); ++i) {
      TextWriter writer(families[i]);
      line_families[i].write(writer, from->first, from->second);
    }
  return from;
}

std::string MetricsRecorder::scrape() const {
  std::string text;
  for (const std::string& chunk : scrape_chunks()) text += chunk;
  return text;
}

}  // namespace sipsentry::metrics
