#pragma once

#include <string>

namespace sipsentry::config {

/// One mistake in a configuration file, located like a compiler's error.
struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the mistake has no position (missing file)
  int column = 0;  // 1-based
  std::string message;

  /// "FILE:LINE:COLUMN: error: MESSAGE", or "FILE: error: MESSAGE".
  std::string to_string() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

}  // namespace sipsentry::config
