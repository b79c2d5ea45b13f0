#include "engine/line_settings.h"

namespace sipsentry::engine {

const char* to_string(Transport transport) {
  switch (transport) {
    case Transport::kUdp:
      return "udp";
    case Transport::kTcp:
      return "tcp";
    case Transport::kTls:
      return "tls";
  }
  return "?";
}

}  // namespace sipsentry::engine
