#pragma once

#include <CLI/CLI.hpp>

namespace sipsentry::cli {

/// `sipsentry plan -c FILE [--line NAME] [--scenario NAME]`: prints, for each
/// line, the timeline its engine follows in a failure scenario.
/// The command's exit code is written to `exit_code` when it runs.
void add_plan_command(CLI::App& app, int& exit_code);

}  // namespace sipsentry::cli
