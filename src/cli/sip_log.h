#pragma once

#include <string>

#include "sip/sip_agent.h"

namespace sipsentry::cli {

/// Where a one-shot command (probe, check) sends the SIP agent's log:
/// warnings always to stderr as "sipsentry COMMAND: warning: …", Sofia-SIP's
/// own diagnostics only when `verbose`.
sip::LogSink stderr_sink(const std::string& command, bool verbose);

}  // namespace sipsentry::cli
