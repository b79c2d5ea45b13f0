#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/shard.h"

namespace sipsentry::daemon {

/// What `sipsentry run` takes from its command line. The last three let N
/// instances share one configuration file: each runs its shard of the lines
/// and serves its own metrics address.
struct ServiceOptions {
  std::string config_path;               // read again on SIGHUP
  std::string pidfile{};                 // empty: none
  std::optional<config::Shard> shard{};  // none: every line of the file
  std::string metrics_listen{};          // empty: the file's metrics.listen
  std::vector<std::string> sip_bind{};   // empty: the file's sip.bind
};

}  // namespace sipsentry::daemon
