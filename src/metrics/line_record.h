// What the metrics keep of one line: its series' values, compactly. A
// private header of metrics/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/event.h"
#include "engine/line_state.h"
#include "engine/method.h"
#include "metrics/count_table.h"

namespace sipsentry::metrics {

/// One server as the line sees it.
struct ServerView {
  std::string name;
  std::optional<bool> up;                                       // unknown until its first request
  CountTable<std::pair<engine::Method, std::string>> requests;  // by method and outcome
  CountTable<std::string> failures;                             // by reason
  // A TLS server's certificate chain: its earliest notAfter (Unix time), as
  // last read; none until read, and never for UDP and TCP servers.
  std::optional<double> certificate_expiry;
  // redundancy: concurrent: whether it holds a registration of the line.
  bool registered = false;
};

/// A failover's labels.
struct SwitchKey {
  size_t from{};
  size_t to{};
  engine::Method method{};
  std::string reason;
  friend bool operator==(const SwitchKey&, const SwitchKey&) = default;
};

/// Every value of the line's own series (the families that carry `line`
/// but no distribution). About 1 kB for a two-server line, where
/// prometheus-cpp spent tens of kB on the same series.
struct LineRecord {
  std::vector<ServerView> servers;  // in the line's order: 0 is the primary
  bool failback_possible = false;   // has the failback series
  bool test_call = false;           // makes test calls
  bool concurrent = false;          // redundancy: concurrent: has the server_registered series
  engine::LineState state = engine::LineState::kRegistering;
  bool registered = false;
  std::optional<size_t> active_server;
  // The SRV target of active_server the registration is with (nullopt: the
  // server as configured, or no registration). One at most: the line's
  // active_target_info series is this, never a history of targets.
  std::optional<engine::Target> active_target;
  // Whether the active registration is where the line belongs: on the
  // primary's second target the line is on a backup (role "backup").
  bool active_on_primary = true;
  std::optional<double> registration_expiry;  // Unix time
  std::optional<double> last_switch;          // Unix time
  uint64_t switches = 0;
  uint64_t register_failures = 0;
  CountTable<SwitchKey> failovers;
  CountTable<std::pair<size_t, size_t>> failbacks;                       // from, to
  CountTable<engine::FailbackProbe::Result> failback_probes;             // by result
  CountTable<std::pair<std::optional<size_t>, std::string>> test_calls;  // server, result
};

}  // namespace sipsentry::metrics
