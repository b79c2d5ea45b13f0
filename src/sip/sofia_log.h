#pragma once
// Internal to sip/: Sofia-SIP's own diagnostics, routed into sipsentry's log.

#include "sip/sip_agent.h"

namespace sipsentry::sip {

/// From now on, every line Sofia-SIP logs goes to `sink` at debug level
/// (a null sink drops them). Sofia's log is one per process, so the last
/// agent created is the one that receives them.
void route_sofia_log(LogSink sink);

}  // namespace sipsentry::sip
