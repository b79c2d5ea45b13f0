#include "config/diagnostic.h"

namespace sipsentry::config {

std::string Diagnostic::to_string() const {
  if (line == 0) return file + ": error: " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message;
}

}  // namespace sipsentry::config
