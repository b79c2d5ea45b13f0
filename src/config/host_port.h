#pragma once

#include <string_view>

namespace sipsentry::config {

/// Whether `text` is "HOST:PORT" with a port from 0 to 65535 ("[::1]:9730"
/// for IPv6), as metrics.listen and sip.bind are written, in the file or on
/// the command line.
bool is_host_port(std::string_view text);

}  // namespace sipsentry::config
