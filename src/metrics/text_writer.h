// Writes the Prometheus text exposition format (version 0.0.4). A private
// header of metrics/.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "metrics/families.h"

namespace sipsentry::metrics {

/// One label: name and (unescaped) value.
using Label = std::pair<std::string_view, std::string_view>;
using Labels = std::span<const Label>;
using LabelList = std::initializer_list<Label>;

/// Appends families and samples to a string. Label values are escaped as
/// the format says (backslash, double quote, line feed), so that a name
/// from the configuration cannot break a line of the exposition.
class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  /// The # HELP and # TYPE lines of `family`.
  void header(const Family& family);
  /// `name{labels} value`; `name` is the family's or one with a suffix.
  void sample(std::string_view name, Labels labels, double value);
  void sample(std::string_view name, Labels labels, uint64_t value);
  void sample(std::string_view name, LabelList labels, double value) {
    sample(name, Labels(labels.begin(), labels.size()), value);
  }
  void sample(std::string_view name, LabelList labels, uint64_t value) {
    sample(name, Labels(labels.begin(), labels.size()), value);
  }
  /// A histogram's _bucket (cumulative, `le` last), _sum and _count.
  /// `counts` holds one non-cumulative count per bound plus the +Inf one.
  /// REQUIRES: counts.size() == bounds.size() + 1.
  void histogram(std::string_view name, Labels labels, std::span<const double> bounds,
                 std::span<const uint64_t> counts, double sum);

 private:
  template <typename Value>
  void row(std::string_view name, std::string_view suffix, Labels labels, std::string_view le,
           Value value);
  void labels(Labels labels, std::string_view le = {});
  void escaped(std::string_view value);
  void number(double value);
  void number(uint64_t value);

  std::string& out_;
};

}  // namespace sipsentry::metrics
