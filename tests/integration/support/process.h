#pragma once
// A child process the test started: its own process group, its output in a
// file, and stopped (with every process of its group) when the object goes.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace sipsentry::testing {

class Process {
 public:
  /// Starts `argv` with stdin from /dev/null and stdout and stderr appended
  /// to `log_path`. Throws std::runtime_error when it cannot start.
  Process(const std::vector<std::string>& argv, const std::string& log_path);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  /// Sends `signal` to every process of the group (Kamailio forks children).
  void signal_group(int signal);
  /// SIGTERM to the group, then SIGKILL if it has not gone within `grace`;
  /// returns once the main process is reaped. Safe to call twice.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

/// Runs `argv` to its end (output appended to `log_path`); its exit status.
int run_to_end(const std::vector<std::string>& argv, const std::string& log_path);

}  // namespace sipsentry::testing
