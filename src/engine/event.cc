#include "engine/event.h"

#include "engine/action.h"

namespace sipsentry::engine {

bool ended_as_expected(const TestCallFinished& call, std::optional<int> expected_status) {
  if (!expected_status || *expected_status / 100 == 2) return call.setup_to_answer.has_value();
  return call.result == std::to_string(*expected_status);
}

const char* to_string(FailbackProbe::Result result) {
  switch (result) {
    case FailbackProbe::Result::kSuccess:
      return "success";
    case FailbackProbe::Result::kUnavailable:
      return "unavailable";
    case FailbackProbe::Result::kRejected:
      return "rejected";
  }
  return "unknown";
}

const char* to_string(Purpose purpose) {
  switch (purpose) {
    case Purpose::kWalk:
      return "walk";
    case Purpose::kRefresh:
      return "refresh";
    case Purpose::kKeepalive:
      return "keepalive";
    case Purpose::kFailbackProbe:
      return "failback_probe";
    case Purpose::kObserve:
      return "observe";
    case Purpose::kUnregister:
      return "unregister";
    case Purpose::kInvite:
      return "invite";
    case Purpose::kBye:
      return "bye";
    case Purpose::kCancel:
      return "cancel";
    case Purpose::kAck:
      return "ack";
  }
  return "unknown";
}

const char* to_string(TimerKind kind) {
  switch (kind) {
    case TimerKind::kBudget:
      return "budget";
    case TimerKind::kRefresh:
      return "refresh";
    case TimerKind::kKeepalive:
      return "keepalive";
    case TimerKind::kFailback:
      return "failback";
    case TimerKind::kRegisterRetry:
      return "register_retry";
    case TimerKind::kObserve:
      return "observe";
    case TimerKind::kTestCall:
      return "test_call";
    case TimerKind::kCallHold:
      return "call_hold";
    case TimerKind::kRingTimeout:
      return "ring_timeout";
  }
  return "unknown";
}

}  // namespace sipsentry::engine
