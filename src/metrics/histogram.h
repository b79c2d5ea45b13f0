// A histogram as the exposition needs it, and no more. A private header of
// metrics/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace sipsentry::metrics {

/// Counts per bucket (not cumulative: the writer adds them up), their sum
/// and the bounds they are counted against (static tables of families.cc).
struct Histogram {
  explicit Histogram(std::span<const double> bounds)
      : bounds(bounds), counts(bounds.size() + 1, 0) {}

  void observe(double value) {
    auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
    ++counts[static_cast<size_t>(bucket)];  // le is inclusive: value <= bound
    sum += value;
  }

  std::span<const double> bounds;
  std::vector<uint64_t> counts;  // one per bound, then +Inf
  double sum = 0;
};

}  // namespace sipsentry::metrics
