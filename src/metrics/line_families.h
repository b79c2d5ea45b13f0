// A private header of metrics/: the families whose series are about one
// line, each with how it writes one line's record.
#pragma once

#include <span>
#include <string_view>

#include "metrics/families.h"
#include "metrics/line_record.h"
#include "metrics/text_writer.h"

namespace sipsentry::metrics {

/// A family of the line's own series and how one line's samples of it are
/// written. The exposition writes each family's samples over all lines
/// together, as the format requires.
struct LineFamily {
  const Family& family;
  void (*write)(TextWriter& writer, std::string_view line, const LineRecord& record);
};

/// Every family of line series, in the order of the exposition.
std::span<const LineFamily> line_families();

}  // namespace sipsentry::metrics
