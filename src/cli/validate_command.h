#pragma once

#include <CLI/CLI.hpp>

namespace sipsentry::cli {

/// `sipsentry validate -c FILE`: exit 0 and a summary line per SIP line, or
/// every mistake with file:line:column and exit 3.
void add_validate_command(CLI::App& app, int& exit_code);

}  // namespace sipsentry::cli
