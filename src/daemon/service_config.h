#pragma once

#include <optional>
#include <string>

#include "config/environment.h"
#include "config/load.h"
#include "config/shard.h"
#include "daemon/service_options.h"

namespace sipsentry::daemon {

/// The configuration as one `run` instance runs it.
struct ServiceConfig {
  config::LoadResult loaded;
  std::optional<config::ShardSelection> shard;  // set with --shard once the file loads
};

/// Reads the file of `options` and keeps what this instance runs: only the
/// lines of its shard, and its own metrics and SIP addresses where the
/// command line gives them. Start-up and every reload come through here, so
/// that a reload never brings another shard's lines in.
ServiceConfig load_service_config(const ServiceOptions& options, const config::Environment& env);

/// " (shard 1/2: 3 of 6 lines)" with --shard, nothing without: for the log.
std::string shard_note(const ServiceConfig& loaded);

/// Whether the instance's shard holds none of the file's lines: not an
/// error (it serves metrics and waits for a reload), but worth a warning.
bool shard_is_empty(const ServiceConfig& loaded);

}  // namespace sipsentry::daemon
