#pragma once
// What a scrape of /probe returns: blackbox_exporter's probe_* metrics in
// Prometheus text format 0.0.4, and the probe's own account with &debug=true.

#include <optional>
#include <string>

#include "engine/time.h"
#include "probe/one_probe.h"

namespace sipsentry::probe {

/// One scrape's probe as the answer reports it.
struct ProbeReport {
  std::string module;
  std::string uri;
  std::string method;                   // "OPTIONS" or "REGISTER"
  engine::Millis budget{};              // what the probe was given
  double duration_seconds = 0;          // from the scrape's arrival to the answer
  std::optional<ProbeResult> result{};  // nullopt: no answer from the loop in time
  /// A TLS target's earliest certificate notAfter (Unix seconds), when read.
  std::optional<double> earliest_cert_expiry{};
};

/// probe_success (a 2xx), probe_duration_seconds, probe_sip_available (the
/// server answered: spec.md §2), probe_sip_status_code (0 when none),
/// probe_sip_round_trip_seconds (when a response came) and
/// probe_sip_unavailable_reason{reason} (only when unavailable), and
/// probe_ssl_earliest_cert_expiry when the report has one.
std::string probe_metrics(const ProbeReport& report);

/// The probe's steps in words, then the metrics: what &debug=true shows.
/// Never a password: the report holds none.
std::string probe_debug(const ProbeReport& report);

}  // namespace sipsentry::probe
