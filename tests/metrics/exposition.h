// Reads the text exposition back, so that tests assert series and values
// rather than the serializer's line layout.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sipsentry::metrics::testing {

using Labels = std::map<std::string, std::string>;

/// One sample line: `name{labels} value`.
struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

/// Every sample of `text`, in order; comment lines are skipped.
std::vector<Sample> samples_of(const std::string& text);

/// The value of the sample `name` with exactly `labels`, if there is one.
std::optional<double> value_of(const std::string& text, const std::string& name,
                               const Labels& labels = {});

/// The samples whose labels include `label`=`value`.
std::vector<Sample> samples_with(const std::string& text, const std::string& label,
                                 const std::string& value);

/// "# TYPE" lines: family name -> type.
std::map<std::string, std::string> types_of(const std::string& text);

/// "# HELP" lines: family name -> help text.
std::map<std::string, std::string> helps_of(const std::string& text);

}  // namespace sipsentry::metrics::testing
