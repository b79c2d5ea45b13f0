#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/event.h"
#include "engine/line_settings.h"
#include "engine/method.h"
#include "engine/time.h"

namespace sipsentry::engine {

using RequestId = uint64_t;

/// A SIP identity the adapter keeps across requests: a registration (Call-ID,
/// From tag) or a call's dialog. The engine only numbers them; the adapter
/// makes the random Call-ID and tag the first time it sees a number.
/// kOneOff asks for a fresh Call-ID used by this request alone (OPTIONS).
using DialogId = uint32_t;
inline constexpr DialogId kOneOff = 0;

/// Why a request was sent: decides what its outcome does.
enum class Purpose {
  kWalk,           // REGISTER of a register walk
  kRefresh,        // REGISTER renewing the current registration
  kKeepalive,      // OPTIONS to the current server
  kFailbackProbe,  // independent REGISTER to the primary
  kObserve,        // OPTIONS to a server the line is not registered with
  kUnregister,     // REGISTER Expires: 0; its outcome changes nothing
  kInvite,         // a test call's INVITE
  kBye,            // a test call's BYE
  kCancel,         // a test call's CANCEL
  kAck,            // a test call's ACK for 2xx: no response
};

/// "walk", "refresh", "keepalive", "failback_probe", …
const char* to_string(Purpose purpose);

/// Send a request to servers[server] (or to its SRV `target`) and report
/// its outcome under `id`.
struct SendRequest {
  RequestId id{};
  Purpose purpose{};
  Method method{};
  size_t server{};
  DialogId dialog{};
  uint32_t cseq{};
  Millis budget{};                // the engine gives up at this offset from the first send
  std::vector<Millis> sends;      // planned sends (0 and UDP retransmissions) within the budget
  std::optional<Millis> expires;  // REGISTER: the expiry asked for (0 = remove the binding)
  bool authorize = false;         // answer the challenge last received on this dialog
  // Where to send: one SRV target of servers[server]; nullopt means the
  // server entry as configured (every line without SRV targets).
  std::optional<Target> target{};
};

/// The budget of a request ran out: forget its transaction, report nothing more.
struct AbandonRequest {
  RequestId id{};
};

enum class TimerKind {
  kBudget,         // key: the request id
  kRefresh,        // re-REGISTER before the registration expires
  kKeepalive,      // OPTIONS to the current server
  kFailback,       // probe the primary
  kRegisterRetry,  // restart the walk after a failure
  kObserve,        // OPTIONS to the servers the line is not registered with
  kTestCall,       // place the next test call
  kCallHold,       // hang up an answered test call
  kRingTimeout,    // CANCEL an unanswered test call
};

struct TimerId {
  TimerKind kind{};
  uint64_t key = 0;
  friend bool operator==(const TimerId&, const TimerId&) = default;
  friend auto operator<=>(const TimerId&, const TimerId&) = default;
};

/// Start (or restart) timer `id` to fire after `delay`.
struct StartTimer {
  TimerId id{};
  Millis delay{};
};

struct CancelTimer {
  TimerId id{};
};

/// The dialog is over and its number is never used again: the adapter may
/// forget its Call-ID, tag and any challenge kept for it. Without this every
/// failback probe and test call (each a new dialog) would stay for good.
struct EndDialog {
  DialogId dialog{};
};

using Action = std::variant<SendRequest, AbandonRequest, StartTimer, CancelTimer, Event, EndDialog>;
using Actions = std::vector<Action>;

const char* to_string(TimerKind kind);

}  // namespace sipsentry::engine
