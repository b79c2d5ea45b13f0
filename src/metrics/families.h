// The metric families of spec.md §8. A private header of metrics/: it
// includes prometheus-cpp, which nothing outside this module may see.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace sipsentry::metrics {

/// Bucket bounds in seconds. SIP lives between a loopback answer (ms) and
/// the 64*T1 transaction timeout (32 s by default, 64 s with T1 = 1 s).
struct Buckets {
  /// First send to final response: RTTs, then answers after 1, 2, 3 …
  /// retransmissions (0.5, 1.5, 3.5 s with T1 = 500 ms).
  static const prometheus::Histogram::BucketBoundaries& request_duration();
  /// First request to failover decision: at once (ICMP, refused, 503) or at
  /// the budget (7.5 s non-last with the defaults, 32 s last, or a period).
  static const prometheus::Histogram::BucketBoundaries& failover_detection();
  /// INVITE to 200 OK: an auto-answer, an IVR, or a person picking up
  /// before the ring timeout (30 s by default). Also INVITE to the first
  /// 18x (post-dial delay): a server that rings at once, or one that
  /// routes slowly (a DNS lookup, a trunk timing out) up to the ring timeout.
  static const prometheus::Histogram::BucketBoundaries& test_call_setup();
};

/// Every family, registered with its HELP text. The names, types and labels
/// are the product's interface: dashboards and alert rules depend on them.
struct Families {
  explicit Families(prometheus::Registry& registry);

  // Servers and requests.
  prometheus::Family<prometheus::Gauge>& server_up;             // line, server, role
  prometheus::Family<prometheus::Counter>& server_failures;     // line, server, reason
  prometheus::Family<prometheus::Counter>& requests;            // line, server, method, outcome
  prometheus::Family<prometheus::Histogram>& request_duration;  // line, server, method
  // Lines and their registration.
  prometheus::Family<prometheus::Gauge>& line_registered;      // line
  prometheus::Family<prometheus::Gauge>& line_active_server;   // line, server, role
  prometheus::Family<prometheus::Gauge>& line_state;           // line, state
  prometheus::Family<prometheus::Gauge>& registration_expiry;  // line
  // Switches between servers.
  prometheus::Family<prometheus::Counter>& failovers;             // line, from, to, method, reason
  prometheus::Family<prometheus::Counter>& failbacks;             // line, from, to
  prometheus::Family<prometheus::Counter>& switches;              // line
  prometheus::Family<prometheus::Counter>& failback_probes;       // line, result
  prometheus::Family<prometheus::Counter>& register_failures;     // line
  prometheus::Family<prometheus::Gauge>& last_switch;             // line
  prometheus::Family<prometheus::Histogram>& failover_detection;  // line
  // Test calls.
  prometheus::Family<prometheus::Counter>& test_calls;                   // line, server, result
  prometheus::Family<prometheus::Histogram>& test_call_setup;            // line
  prometheus::Family<prometheus::Histogram>& test_call_post_dial_delay;  // line
  // The process.
  prometheus::Family<prometheus::Gauge>& build_info;                // version
  prometheus::Family<prometheus::Gauge>& config_reload_successful;  // no labels
  prometheus::Family<prometheus::Gauge>& config_reload_timestamp;   // no labels
  prometheus::Family<prometheus::Counter>& sip_messages_dropped;    // reason
};

}  // namespace sipsentry::metrics
