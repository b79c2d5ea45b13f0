#include "cli/sip_log.h"

#include <iostream>

namespace sipsentry::cli {

sip::LogSink stderr_sink(const std::string& command, bool verbose) {
  return [command, verbose](sip::LogSeverity severity, const std::string& text) {
    if (severity == sip::LogSeverity::kWarning)
      std::cerr << "sipsentry " << command << ": warning: " << text << "\n";
    else if (verbose)
      std::cerr << text << "\n";
  };
}

}  // namespace sipsentry::cli
