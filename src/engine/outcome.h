#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/time.h"

namespace sipsentry::engine {

/// Failures that the transport reports instead of a response (spec.md §2).
enum class TransportError {
  kIcmp,        // UDP: ICMP destination or port unreachable
  kTcpRefused,  // TCP/TLS: connection refused or reset
  kTls,         // TLS handshake or certificate verification failed
  kDns,         // the server's name does not resolve
  // Nothing left this host: no socket of the server's address family, no
  // route, an address not ours (spec.md §2: a local error, at once). The
  // line cannot reach the server from here, whatever the server's state.
  kLocal,
};

/// The longest expiry a response can grant: RFC 3261's delta-seconds go up
/// to 2^32 - 1 seconds.
inline constexpr Millis kMaxExpiry{4'294'967'295'000};
/// The longest a Retry-After keeps requests away from a server. A server
/// asking for more (up to 136 years in RFC 3261's delta-seconds) would
/// otherwise never see a failback probe or an observation again; an hour
/// outlasts any maintenance a 503 announces and still notices the server's
/// return the same day.
inline constexpr Millis kMaxRetryAfter = 1h;

/// What the adapter observed for one request: a response or a transport
/// error. Budget expiry is not an outcome: the engine owns that timer.
struct Outcome {
  int status = 0;  // SIP status code; 0 when `error` is set
  std::optional<TransportError> error{};
  std::optional<Millis> retry_after{};  // 503's Retry-After
  std::optional<Millis> expires{};      // REGISTER 2xx: what the server granted

  static Outcome response(int status) { return Outcome{.status = status}; }
  static Outcome failure(TransportError error) { return Outcome{.error = error}; }
  bool provisional() const { return !error && status >= 100 && status < 200; }
  /// True for an outcome the network can produce: a transport error with no
  /// status, or a status of 100-699; a Retry-After of 0 to kMaxRetryAfter;
  /// an expiry of 0 to kMaxExpiry.
  bool possible() const;
};

/// Why a request found its server unavailable, or why it failed otherwise.
/// Its label is the `reason` of spec.md §2 and §8.
struct Reason {
  enum class Kind {
    kStatus,      // an unavailable_codes response: "status_503"
    kIcmp,        // "icmp"
    kTcpRefused,  // "tcp_refused"
    kTcpTimeout,  // "tcp_timeout": no connection within the budget
    kTls,         // "tls"
    kDns,         // "dns"
    kLocal,       // "local": the request could not leave this host
    kTimeout,     // "timeout": no final response within the budget
    kAuthFailed,  // "auth_failed": challenged again after answering a challenge
    kRejected,    // "rejected": any other failure response (403, 404, 486 ...)
  };
  Kind kind = Kind::kTimeout;
  int status = 0;  // for kStatus and kRejected

  std::string label() const;
  /// True for the causes of spec.md §2 that make a server unavailable.
  bool unavailable() const;
  friend bool operator==(const Reason&, const Reason&) = default;
};

/// How the engine reads a final outcome.
struct Verdict {
  enum class Kind {
    kSuccess,      // 2xx
    kChallenge,    // 401 or 407: answer once with credentials
    kFailed,       // the server is up but said no: see `reason` (kRejected)
    kUnavailable,  // see `reason`
  };
  Kind kind;
  Reason reason;
};

Verdict classify(const Outcome& outcome, const std::vector<int>& unavailable_codes);

/// The `outcome` label of sipsentry_requests_total: "2xx" … "6xx", or the
/// reason label when the server was unavailable.
std::string outcome_label(const Verdict& verdict, int status);

}  // namespace sipsentry::engine
