#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "config/shard.h"

namespace sipsentry::cli {

/// Adds `--shard K/N` to `command`: only the lines whose name hashes to
/// shard K of N. A malformed K/N is a command-line error (exit 3) with a
/// one-line reason.
void add_shard_option(CLI::App& command, std::optional<config::Shard>& shard);

/// "line 'x' is in shard 2/3, not in 1/3": why --line and --shard select nothing.
std::string line_not_in_shard(const std::string& line, const config::Shard& shard);

/// Checks that an option's value is HOST:PORT, as metrics.listen and
/// sip.bind are written in the file.
CLI::Validator host_port_check();

}  // namespace sipsentry::cli
