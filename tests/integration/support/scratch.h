#pragma once
// What every integration test needs: a scratch directory, free ports on
// loopback, and waiting for a condition with a deadline.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace sipsentry::testing {

/// A fresh directory under $TMPDIR, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// A port free for both UDP and TCP on 127.0.0.1 (and, with `pair`, the
/// next port too, for a TLS listener beside it).
uint16_t free_port(bool pair = false);

/// Polls `condition` every 10 ms until it holds or `limit` passes.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

/// The directory of the test sources (tests/integration).
std::string source_dir();

}  // namespace sipsentry::testing
