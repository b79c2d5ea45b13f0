#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/probe_settings.h"
#include "config/secret.h"
#include "engine/line_settings.h"
#include "resolve/rfc3263.h"

namespace sipsentry::config {

/// How TLS servers are verified (a line's servers with transport tls).
struct TlsSettings {
  bool verify = true;   // verify the certificate; false only by explicit opt-out
  std::string ca_file;  // empty: the system CA store
  // A certificate expiring within this is a warning (tls/chain_dates.h).
  engine::Millis expiry_warning = engine::Millis(std::chrono::days(14));
  friend bool operator==(const TlsSettings&, const TlsSettings&) = default;
};

/// One line: what the engine needs, plus what only the SIP adapter needs.
struct LineConfig {
  engine::LineSettings settings;
  std::string auth_user;
  Secret password;
  TlsSettings tls;
  /// settings.servers as written, one each: a port or transport left out
  /// is nullopt, so that a name without a port is resolved by RFC 3263's
  /// NAPTR and SRV (resolve::uses_service_records).
  std::vector<resolve::ServerName> server_names;
  friend bool operator==(const LineConfig&, const LineConfig&) = default;
};

struct MetricsSettings {
  std::string listen = "127.0.0.1:9730";  // /metrics and /healthz; loopback by default
  // The histograms carry `line` too; by default they are per server, over
  // every line that uses it, since per-line ones cost ~100 series a line.
  bool per_line_histograms = false;
};

struct SipSettings {
  // "HOST:PORT" each, one of each address family to reach IPv4 and IPv6
  // servers ("[::]:0" for IPv6); port 0: any free port.
  std::vector<std::string> bind = {"0.0.0.0:0", "[::]:0"};
};

/// How fast `run` starts its lines, so that thousands of lines do not
/// register in one burst.
struct StartupSettings {
  int rate = 100;                                // lines started per second
  engine::Millis jitter = engine::Millis(1000);  // each start is delayed by a random share of this
};

struct LogSettings {
  std::string format = "text";  // text or json
  std::string level = "info";   // trace, debug, info, warn, error
};

/// A whole configuration file, with every default applied.
struct Config {
  MetricsSettings metrics;
  SipSettings sip;
  LogSettings log;
  StartupSettings startup;
  std::vector<LineConfig> lines;
  std::string source_path;
  std::map<std::string, ProbeModule> modules;  // /probe's, by name
  ProbeSettings probe;
};

}  // namespace sipsentry::config
