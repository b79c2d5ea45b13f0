#pragma once

namespace sipsentry::engine {

enum class Method { kRegister, kOptions, kInvite, kAck, kBye, kCancel };

/// "REGISTER", "OPTIONS", ...
const char* to_string(Method method);

}  // namespace sipsentry::engine
