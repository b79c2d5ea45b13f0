// The metric families of spec.md §8: names, types and HELP texts, and the
// histograms' buckets. A private header of metrics/.
#pragma once

#include <span>
#include <string_view>

namespace sipsentry::metrics {

/// One family of the exposition. The names, types and labels are the
/// product's interface: dashboards and alert rules depend on them.
struct Family {
  enum class Type { kCounter, kGauge, kHistogram };
  std::string_view name;
  Type type;
  std::string_view help;
};

/// Bucket bounds in seconds. SIP lives between a loopback answer (ms) and
/// the 64*T1 transaction timeout (32 s by default, 64 s with T1 = 1 s).
struct Buckets {
  /// First send to final response: RTTs, then answers after 1, 2, 3 …
  /// retransmissions (0.5, 1.5, 3.5 s with T1 = 500 ms).
  static std::span<const double> request_duration();
  /// First request to failover decision: at once (ICMP, refused, 503) or at
  /// the budget (7.5 s non-last with the defaults, 32 s last, or a period).
  static std::span<const double> failover_detection();
  /// INVITE to 200 OK: an auto-answer, an IVR, or a person picking up
  /// before the ring timeout (30 s by default). Also INVITE to the first
  /// 18x (post-dial delay): a server that rings at once, or one that
  /// routes slowly (a DNS lookup, a trunk timing out) up to the ring timeout.
  static std::span<const double> test_call_setup();
};

/// Every family, with the labels it carries in a comment.
struct Families {
  // Servers and requests, as each line sees them.
  static const Family server_up;        // line, server, role
  static const Family server_failures;  // line, server, reason
  static const Family requests;         // line, server, method, outcome
  // Lines and their registration.
  static const Family line_registered;      // line
  static const Family line_active_server;   // line, server, role
  static const Family line_active_target;   // line, role, server, target (SRV only)
  static const Family server_registered;    // line, server, role (concurrent lines only)
  static const Family line_state;           // line, state
  static const Family registration_expiry;  // line
  static const Family certificate_expiry;   // line, server (TLS servers only)
  // Switches between servers.
  static const Family failovers;          // line, from, to, method, reason
  static const Family failbacks;          // line, from, to
  static const Family switches;           // line
  static const Family failback_probes;    // line, result
  static const Family register_failures;  // line
  static const Family last_switch;        // line
  // Test calls.
  static const Family test_calls;  // line, server, result
  // Distributions: by server (and method), across the lines that use it;
  // with metrics.per_line_histograms also by line.
  static const Family request_duration;           // [line,] server, method
  static const Family failover_detection;         // [line,] server
  static const Family test_call_setup;            // [line,] server
  static const Family test_call_post_dial_delay;  // [line,] server
  // The process.
  static const Family build_info;                // version
  static const Family config_reload_successful;  // no labels
  static const Family config_reload_timestamp;   // no labels
  static const Family sip_messages_dropped;      // reason
};

}  // namespace sipsentry::metrics
