#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <variant>

#include "engine/line_settings.h"
#include "engine/line_state.h"
#include "engine/method.h"
#include "engine/outcome.h"
#include "engine/time.h"

namespace sipsentry::engine {

/// What happened on a line. Events carry what spec.md §8's metrics and the
/// event log need; servers are indexes into the line's server list (the
/// configured entry, so that metrics stay one series a server), and a
/// server entry resolved by SRV also names the target (nullopt otherwise).

/// The line's state changed.
struct StateChanged {
  LineState from{};
  LineState to{};
  std::optional<Reason> reason{};  // why, when the new state is a failure
};

/// A server granted (or renewed) the line's registration. Concurrent: the
/// line's active registration; a server becoming active is reported with
/// what is left of its registration (refresh false).
struct Registered {
  size_t server{};
  Millis expires{};  // granted expiry, counted from the event's time
  bool refresh{};    // a renewal on the same server
  std::optional<Target> target{};
  // Where the line belongs: the primary, or its first SRV target. False on
  // a backup, and on the primary's second target, though `server` is 0.
  bool on_primary = true;
};

/// redundancy: concurrent: servers[server] now holds a registration of the
/// line (`held`), or lost the one it held (why: `reason`). Renewals are not
/// reported; the line's active registration is still Registered's. Never
/// emitted by a successive line.
struct ServerRegistration {
  size_t server{};
  bool held{};
  std::optional<Target> target{};
  std::optional<Reason> reason{};
};

/// The line moved away from `from` because a request found it unavailable.
struct Failover {
  size_t from{};
  size_t to{};
  Method method{};     // the request that found `from` unavailable
  Reason reason{};     // why `from` was unavailable
  Millis detection{};  // from that request's first send to the decision
  std::optional<Target> from_target{};
  std::optional<Target> to_target{};
};

/// The line moved back to the primary after a successful failback probe.
struct Failback {
  size_t from{};
  size_t to{};
  std::optional<Target> from_target{};
  std::optional<Target> to_target{};
};

/// The result of one failback probe to the primary.
struct FailbackProbe {
  enum class Result { kSuccess, kUnavailable, kRejected };
  Result result{};
  std::optional<Reason> reason{};
};

/// Every server was unavailable: the failover failed.
struct RegisterFailure {
  Reason last_reason{};
  Millis retry_in{};  // until the next walk (register_retry)
};

/// A request reached its final outcome.
struct RequestFinished {
  size_t server{};
  Method method{};
  bool available{};                     // the server answered (any response but an unavailable one)
  std::string outcome{};                // "2xx" … "6xx" or a reason label
  int status{};                         // the response's status code; 0 when there was none
  std::optional<Reason> reason{};       // set when the request failed
  Millis duration{};                    // from the first send to the final outcome
  std::optional<Millis> retry_after{};  // a 503's Retry-After
  std::optional<Target> target{};
};

/// A test call ended (spec.md §6).
struct TestCallFinished {
  std::string result{};  // "answered", a status code, or "unavailable"
  std::optional<size_t> invite_server{};
  std::optional<size_t> bye_server{};
  std::optional<Millis> setup_to_first_18x{};
  std::optional<Millis> setup_to_answer{};
  bool cancelled = false;  // the ring timeout ran out and a CANCEL went
};

/// Whether a test call ended as its line expects: with `expected_status`,
/// or answered (any 2xx) when none is set or it is a 2xx.
bool ended_as_expected(const TestCallFinished& call, std::optional<int> expected_status);

const char* to_string(FailbackProbe::Result result);

struct Event {
  Millis at{};
  std::variant<StateChanged, Registered, Failover, Failback, FailbackProbe, RegisterFailure,
               RequestFinished, TestCallFinished, ServerRegistration>
      what{};
};

}  // namespace sipsentry::engine
