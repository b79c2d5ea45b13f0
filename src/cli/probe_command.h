#pragma once

#include <CLI/CLI.hpp>

namespace sipsentry::cli {

/// `sipsentry probe URI`: one OPTIONS (or, with --user and --password-env, a
/// REGISTER) to one server; prints status, reason and round-trip time.
/// Exit 0 on 2xx, 2 when the server is unavailable, 1 on any other answer.
void add_probe_command(CLI::App& app, int& exit_code);

}  // namespace sipsentry::cli
