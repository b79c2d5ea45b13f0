#pragma once

#include <array>

namespace sipsentry::engine {

/// The states of spec.md §8's sipsentry_line_state.
enum class LineState {
  kRegistering,   // a register walk is under way and no registration is held
  kRegistered,    // a server granted the registration
  kUnregistered,  // every server was unavailable; the walk restarts after register_retry_interval
  kRejected,    // a server answered with a failure (403 …); retried after register_retry_interval
  kAuthFailed,  // the credentials were refused; retried after register_retry_interval
};

inline constexpr std::array kAllLineStates = {LineState::kRegistering, LineState::kRegistered,
                                              LineState::kUnregistered, LineState::kRejected,
                                              LineState::kAuthFailed};

/// "registering", "registered", …
const char* to_string(LineState state);

}  // namespace sipsentry::engine
