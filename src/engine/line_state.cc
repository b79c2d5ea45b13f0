#include "engine/line_state.h"

namespace sipsentry::engine {

const char* to_string(LineState state) {
  switch (state) {
    case LineState::kRegistering:
      return "registering";
    case LineState::kRegistered:
      return "registered";
    case LineState::kUnregistered:
      return "unregistered";
    case LineState::kRejected:
      return "rejected";
    case LineState::kAuthFailed:
      return "auth_failed";
  }
  return "unknown";
}

}  // namespace sipsentry::engine
