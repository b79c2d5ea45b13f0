// The histograms of spec.md §8: about servers, so aggregated over the lines
// that share a server name, or per line on request. A private header of
// metrics/.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include "metrics/families.h"
#include "metrics/histogram.h"

namespace sipsentry::metrics {

/// Every histogram series: by family, server and (for requests) method,
/// and by line too when `per_line` (metrics.per_line_histograms). Ten
/// thousand lines on two servers make a few dozen series by default.
/// Not thread-safe: the recorder guards it.
class Distributions {
 public:
  explicit Distributions(bool per_line) : per_line_(per_line) {}

  bool per_line() const { return per_line_; }

  /// Creates the series at 0 when it is new (so that rate() sees its first
  /// observation); `method` is empty for families without one.
  /// REQUIRES: `family` is one of Families' four histograms.
  void add(const Family& family, std::string_view line, std::string_view server,
           std::string_view method = {});
  /// Counts one observation of `seconds`, creating the series as add() does.
  void observe(const Family& family, std::string_view line, std::string_view server,
               std::string_view method, double seconds);

  /// Removes the series of `line` (per line) or none (aggregated).
  void forget_line(std::string_view line);
  /// Removes the series of `server` (aggregated: no line uses it any more).
  void forget_server(std::string_view server);

  /// Every family's header and series, in the text format.
  void write(std::string& out) const;

 private:
  // Family, line ("" when aggregated), server, method ("" for none).
  using Key = std::tuple<const Family*, std::string, std::string, std::string>;
  Histogram& series(const Family& family, std::string_view line, std::string_view server,
                    std::string_view method);

  bool per_line_;
  std::map<Key, Histogram> series_;
};

}  // namespace sipsentry::metrics
