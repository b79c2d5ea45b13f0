#include "cli/strict_option.h"

namespace sipsentry::cli {

void add_strict_option(CLI::App& command, config::SecretPolicy& secrets) {
  command.add_flag_callback(
      "--strict", [&secrets] { secrets = config::SecretPolicy::kRequired; },
      "Every password must be readable, as for run: an unset password_env or an unreadable "
      "password_file is an error (exit 3), not a warning");
}

}  // namespace sipsentry::cli
