#include "engine/method.h"

namespace sipsentry::engine {

const char* to_string(Method method) {
  switch (method) {
    case Method::kRegister:
      return "REGISTER";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kInvite:
      return "INVITE";
    case Method::kAck:
      return "ACK";
    case Method::kBye:
      return "BYE";
    case Method::kCancel:
      return "CANCEL";
  }
  return "?";
}

}  // namespace sipsentry::engine
