#pragma once

#include <memory>
#include <string>

namespace sipsentry::daemon {

/// A file holding the process id while the daemon runs, for init systems
/// and scripts that want one; removed when the object goes.
class Pidfile {
 public:
  /// Writes the pid to `path`. Returns nullptr and says why in `error` when
  /// it cannot ("cannot write the pid file /run/x.pid: Permission denied").
  static std::unique_ptr<Pidfile> create(const std::string& path, std::string& error);
  ~Pidfile();
  Pidfile(const Pidfile&) = delete;
  Pidfile& operator=(const Pidfile&) = delete;

 private:
  explicit Pidfile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace sipsentry::daemon
