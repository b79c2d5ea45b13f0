#include "support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace sipsentry::testing {
namespace {

[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::string& log_path) {
  setpgid(0, 0);  // a group of its own, so that stop() reaches its children too
  int in = open("/dev/null", O_RDONLY);
  int out = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in < 0 || out < 0) _exit(127);
  dup2(in, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);
  dup2(out, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

}  // namespace

Process::Process(const std::vector<std::string>& argv, const std::string& log_path) {
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed for " + argv.at(0));
  if (pid_ == 0) exec_child(argv, log_path);
  setpgid(pid_, pid_);  // also here: whichever runs first, the group exists
}

Process::~Process() {
  stop();
}

bool Process::running() {
  if (reaped_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

void Process::signal_group(int signal) {
  if (!reaped_) kill(-pid_, signal);
}

void Process::stop(std::chrono::milliseconds grace) {
  if (reaped_) return;
  signal_group(SIGCONT);  // a stopped (silent) server must be able to die
  signal_group(SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (running()) {
    signal_group(SIGKILL);
    waitpid(pid_, nullptr, 0);
    reaped_ = true;
  }
  kill(-pid_, SIGKILL);  // children that outlived their parent
}

int run_to_end(const std::vector<std::string>& argv, const std::string& log_path) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed for " + argv.at(0));
  if (pid == 0) exec_child(argv, log_path);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace sipsentry::testing
