#pragma once

namespace sipsentry::daemon {

/// What the operator asked for with a signal since the last look.
enum class SignalRequest {
  kNone,
  kReload,  // SIGHUP
  kStop,    // SIGTERM or SIGINT
};

/// Installs handlers for SIGHUP, SIGTERM and SIGINT that only note the
/// request; the event loop picks it up with take_signal_request().
void install_signal_handlers();

/// The pending request, stop first; a reload request is consumed.
SignalRequest take_signal_request();

/// Whether a request is waiting (for the event loop's stop condition).
bool signal_pending();

}  // namespace sipsentry::daemon
