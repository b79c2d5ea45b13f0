#include "config/diagnostic.h"

#include <algorithm>
#include <utility>

namespace sipsentry::config {

std::string Diagnostic::to_string() const {
  std::string kind = severity == Severity::kError ? ": error: " : ": warning: ";
  if (line == 0) return file + kind + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + kind + message;
}

void sort_top_to_bottom(std::vector<Diagnostic>& diagnostics) {
  std::ranges::stable_sort(diagnostics, {},
                           [](const Diagnostic& d) { return std::pair(d.line, d.column); });
}

}  // namespace sipsentry::config
