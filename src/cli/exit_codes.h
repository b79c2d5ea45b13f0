#pragma once

namespace sipsentry::cli {

/// Exit codes of spec.md §9, the Nagios plugin convention.
enum ExitCode : int {
  kExitOk = 0,        // every line on its primary, every server up
  kExitWarning = 1,   // a line only on a backup, or a server down
  kExitCritical = 2,  // a line cannot register anywhere
  kExitUsage = 3,     // the configuration or the command line is wrong
  // Nagios' UNKNOWN too: the probe could not leave this host (no socket of
  // the server's address family, no route), so the server's state is unknown.
  kExitLocalError = 3,
};

}  // namespace sipsentry::cli
