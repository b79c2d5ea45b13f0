#include "daemon/pidfile.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace sipsentry::daemon {

std::unique_ptr<Pidfile> Pidfile::create(const std::string& path, std::string& error) {
  std::ofstream out(path, std::ios::trunc);
  if (out) out << getpid() << "\n";
  out.close();
  if (!out) {
    error = "cannot write the pid file " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<Pidfile>(new Pidfile(path));
}

Pidfile::~Pidfile() {
  unlink(path_.c_str());
}

}  // namespace sipsentry::daemon
