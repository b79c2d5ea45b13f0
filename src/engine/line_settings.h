#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.h"

namespace sipsentry::engine {

enum class Transport {
  kUdp,  // phone code 0; retransmits on RFC 3261's schedule
  kTcp,  // phone code 1; no retransmissions, the budget is a plain wait
  kTls,  // phone code 3; as TCP, plus handshake and certificate checks
};

/// "udp", "tcp" or "tls".
const char* to_string(Transport transport);

/// An address or host name as a URI writes it: an IPv6 address in brackets.
std::string uri_host_of(const std::string& address);

/// How long a non-last server is given before it is declared unavailable
/// (spec.md §3): a number of retransmissions (phone "V3") or a period ("V2").
struct RetryPolicy {
  enum class Mode { kCount, kPeriod };
  Mode mode = Mode::kCount;
  int count = 3;        // used in kCount mode
  Millis period = 0ms;  // used in kPeriod mode

  friend bool operator==(const RetryPolicy&, const RetryPolicy&) = default;
};

/// One server of a line's ordered list (spec.md §1).
struct Server {
  std::string name;     // metric label; default "address:port"
  std::string address;  // IP address (IPv6 without brackets) or DNS name
  uint16_t port = 5060;
  Transport transport = Transport::kUdp;
  Millis expires = 3600s;  // registration expiry asked for ("TTL")
  /// This server's own retry policy (Polycom's reg.x.server.y.retryMaxCount,
  /// Yealink's sip_server.Y.retry_counts); nullopt: the line's.
  std::optional<RetryPolicy> retry{};

  /// The address as a URI writes it: an IPv6 address in brackets ("[::1]").
  std::string uri_host() const;

  friend bool operator==(const Server&, const Server&) = default;
};

/// One SRV target of a server entry (spec.md §2, "Servers by name"): the
/// host name of the SRV record, its port, and the transport of the SRV name
/// it came from (_sip._udp, _sip._tcp, _sips._tcp). The entry's other
/// settings (expiry, the name its metrics carry) stay the entry's.
struct Target {
  std::string host;
  uint16_t port = 5060;
  Transport transport = Transport::kUdp;

  std::string uri_host() const { return uri_host_of(host); }
  /// "HOST:PORT;transport=udp", as the event log and plan show it.
  std::string describe() const;

  friend bool operator==(const Target&, const Target&) = default;
};

/// RFC 3261 timers.
struct Timers {
  Millis t1 = 500ms;
  Millis t2 = 4s;
  Millis t4 = 5s;

  friend bool operator==(const Timers&, const Timers&) = default;
};

struct FailbackSettings {
  /// When a line on a backup tries its primary again (spec.md §5), as
  /// Polycom's failOver.failBack.mode and Yealink's failback_mode offer.
  enum class Mode {
    kTimer,         // every `interval` (Polycom "duration"): the seed phone's
    kRegistration,  // at the registration's refresh ("registration")
    kNewRequests,   // at a refresh, and a test call's INVITE ("newRequests")
    kDnsTtl,        // when the primary's SRV records expire ("DNSTTL")
  };
  Mode mode = Mode::kTimer;
  bool enabled = true;
  Millis interval = 1800s;
  bool unregister_previous = false;  // send Expires: 0 to the backup after failback

  friend bool operator==(const FailbackSettings&, const FailbackSettings&) = default;
};

/// How long a line waits to walk again after a registration failed
/// everywhere or was refused (spec.md §4, §5a).
struct RegisterRetry {
  enum class Mode {
    kFixed,    // every register_retry_interval: the seed phone's
    kBackoff,  // RFC 5626 §4.5: a random 50-100 % of min(max, base * 2^failures)
  };
  Mode mode = Mode::kFixed;
  Millis base = 30s;  // RFC 5626's base-time-all-fail: no server holds a registration
  Millis max = 1800s;
  // RFC 5626's base-time-not-failed: another server still holds one
  // (redundancy: concurrent). Capped by max like every wait.
  Millis base_not_failed = 90s;

  friend bool operator==(const RegisterRetry&, const RegisterRetry&) = default;
};

/// How many servers a line holds a registration with at once, as Yealink's
/// redundancy_type and Cisco's Dual Registration offer.
enum class Redundancy {
  kSuccessive,  // one at a time, walking the list on failure: the seed phone's
  kConcurrent,  // every server its own registration; calls use the highest-priority one
};

/// A scheduled test call (spec.md §6).
struct TestCallSettings {
  std::string target;  // request URI, e.g. "sip:*43@pbx.example.com"
  Millis interval = 15min;
  Millis duration = 5s;                  // how long an answered call is held before BYE
  Millis ring_timeout = 30s;             // CANCEL when no final answer by then
  std::optional<int> expected_status{};  // default: any 2xx counts as success

  friend bool operator==(const TestCallSettings&, const TestCallSettings&) = default;
};

/// Everything the engine needs to behave like the phone for one line.
/// Credentials are not here: the engine never needs them.
struct LineSettings {
  std::string name;
  std::string user;
  std::string domain;
  std::string display_name;
  std::vector<Server> servers;  // primary first; 1 to 8

  Timers timers;
  RetryPolicy retry;
  Millis register_retry_interval = 30s;  // the wait in RegisterRetry::Mode::kFixed
  RegisterRetry register_retry;
  double refresh_ratio = 0.9;
  Millis keepalive_interval = 30s;  // 0 = off
  std::vector<int> unavailable_codes = {500, 503};
  FailbackSettings failback;
  Redundancy redundancy = Redundancy::kSuccessive;
  Millis observe_interval = 60s;  // 0 = off
  bool unregister_on_exit = false;
  std::optional<TestCallSettings> test_call;

  /// The retry policy requests to servers[entry] follow: its own, else the line's.
  const RetryPolicy& retry_for(size_t entry) const {
    const std::optional<RetryPolicy>& own = servers.at(entry).retry;
    return own ? *own : retry;
  }

  friend bool operator==(const LineSettings&, const LineSettings&) = default;
};

}  // namespace sipsentry::engine
