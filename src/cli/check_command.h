#pragma once

#include <CLI/CLI.hpp>

namespace sipsentry::cli {

/// `sipsentry check -c FILE [--line NAME] [--timeout D] [--format F]`: one
/// pass for cron and Nagios (spec.md §9). Every line registers with the full
/// failover walk and every server is probed once, all lines at once; exit
/// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
void add_check_command(CLI::App& app, int& exit_code);

}  // namespace sipsentry::cli
