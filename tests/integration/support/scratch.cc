#include "support/scratch.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sipsentry::testing {
namespace {

/// Binds a socket of `type` to 127.0.0.1:port (0: any); returns the port or 0.
uint16_t bind_loopback(int type, uint16_t port, int& fd) {
  fd = socket(AF_INET, type, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) return 0;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

bool port_free(uint16_t port) {
  int tcp = -1, udp = -1;
  bool free = bind_loopback(SOCK_STREAM, port, tcp) && bind_loopback(SOCK_DGRAM, port, udp);
  close(tcp);
  close(udp);
  return free;
}

}  // namespace

ScratchDir::ScratchDir() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/sipsentry-it-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create " + pattern);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

uint16_t free_port(bool pair) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    int tcp = -1;
    uint16_t port = bind_loopback(SOCK_STREAM, 0, tcp);
    close(tcp);
    if (port == 0 || port == 65535) continue;
    if (port_free(port) && (!pair || port_free(static_cast<uint16_t>(port + 1)))) return port;
  }
  throw std::runtime_error("no free port on 127.0.0.1");
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string source_dir() {
  return SIPSENTRY_INTEGRATION_DIR;
}

}  // namespace sipsentry::testing
