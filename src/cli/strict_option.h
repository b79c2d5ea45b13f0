#pragma once

#include <CLI/CLI.hpp>

#include "config/load.h"

namespace sipsentry::cli {

/// Adds `--strict` to a command that sends no password (validate, plan),
/// whose `secrets` starts as kOptional (an unreadable password is a
/// warning): --strict makes it kRequired, an error as for run.
void add_strict_option(CLI::App& command, config::SecretPolicy& secrets);

}  // namespace sipsentry::cli
