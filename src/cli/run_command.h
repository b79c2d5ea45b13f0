#pragma once

#include <CLI/CLI.hpp>

namespace sipsentry::cli {

/// `sipsentry run -c FILE`: the daemon. Registers every line as a phone
/// would and logs every event to stderr until SIGINT or SIGTERM.
void add_run_command(CLI::App& app, int& exit_code);

}  // namespace sipsentry::cli
