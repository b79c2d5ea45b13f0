#pragma once

#include <string>
#include <vector>

namespace sipsentry::config {

/// Whether a diagnostic stops the load. A warning is what the command at hand
/// can do without (a password that validate and plan never send).
enum class Severity { kError, kWarning };

/// One mistake in a configuration file, located like a compiler's error.
struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the mistake has no position (missing file)
  int column = 0;  // 1-based
  std::string message;
  Severity severity = Severity::kError;

  /// "FILE:LINE:COLUMN: error: MESSAGE", or "FILE: error: MESSAGE";
  /// "warning:" in place of "error:" for a warning.
  std::string to_string() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Orders `diagnostics` top to bottom, as the operator reads the file (a
/// diagnostic without a position first); equal positions keep their order.
void sort_top_to_bottom(std::vector<Diagnostic>& diagnostics);

}  // namespace sipsentry::config
