#include "daemon/signals.h"

#include <atomic>
#include <csignal>

namespace sipsentry::daemon {
namespace {

// Lock-free atomics are async-signal-safe; the handlers do nothing else.
std::atomic<bool> stop_requested{false};
std::atomic<bool> reload_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_stop_signal(int) {
  stop_requested = true;
}

void on_reload_signal(int) {
  reload_requested = true;
}

void install(int signal, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
}

}  // namespace

void install_signal_handlers() {
  install(SIGTERM, on_stop_signal);
  install(SIGINT, on_stop_signal);
  install(SIGHUP, on_reload_signal);
}

SignalRequest take_signal_request() {
  if (stop_requested) return SignalRequest::kStop;
  if (reload_requested.exchange(false)) return SignalRequest::kReload;
  return SignalRequest::kNone;
}

bool signal_pending() {
  return stop_requested || reload_requested;
}

}  // namespace sipsentry::daemon
