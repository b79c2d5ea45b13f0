// A private header of metrics/: which series belong to which line.
#pragma once

#include <prometheus/family.h>
#include <prometheus/labels.h>

#include <functional>
#include <map>
#include <string>
#include <utility>

namespace sipsentry::metrics {

/// Every series created for a line, whatever its family, so that removing a
/// line (a reload dropped it) takes all of them out of the exposition:
/// a series left behind would report a line that no longer exists.
/// Not thread-safe: used from the thread that records events.
class LineSeries {
 public:
  /// The series of `family` with `labels` plus line="`line`", created on
  /// first use. `args` go to the metric's constructor (a histogram's buckets).
  template <typename Metric, typename... Args>
  Metric& get(const std::string& line, prometheus::Family<Metric>& family,
              prometheus::Labels labels, Args&&... args) {
    labels.emplace("line", line);
    Metric& metric = family.Add(labels, std::forward<Args>(args)...);
    owned_[line].try_emplace(&metric, [&family, &metric] { family.Remove(&metric); });
    return metric;
  }

  /// True once a series was created for `line` and until remove() is called.
  bool has(const std::string& line) const { return owned_.contains(line); }

  /// Removes every series of `line`; nothing happens for an unknown line.
  void remove(const std::string& line) {
    auto node = owned_.extract(line);
    if (node.empty()) return;
    for (auto& [metric, remove_from_family] : node.mapped()) remove_from_family();
  }

 private:
  using Removers = std::map<const void*, std::function<void()>>;  // by metric address
  std::map<std::string, Removers> owned_;
};

}  // namespace sipsentry::metrics
