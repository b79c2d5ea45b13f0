#include "support/stuck_tcp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace sipsentry::testing {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("StuckTcpListener: " + what + " failed");
}

}  // namespace

StuckTcpListener::StuckTcpListener(Fault fault) {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  check(listener_ >= 0, "socket");
  sockaddr_in address = loopback(0);
  check(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0, "bind");
  socklen_t length = sizeof address;
  check(getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0, "getsockname");
  port_ = ntohs(address.sin_port);
  // Linux queues backlog + 1 completed connections; with the queue full it
  // drops every further SYN, so the client's connect() hangs.
  bool full = fault == Fault::kHandshakeNeverCompletes;
  check(listen(listener_, full ? 0 : 16) == 0, "listen");
  if (!full) return;
  filler_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in target = loopback(port_);
  check(connect(filler_, reinterpret_cast<sockaddr*>(&target), sizeof target) == 0, "connect");
}

StuckTcpListener::~StuckTcpListener() {
  if (filler_ >= 0) close(filler_);
  if (listener_ >= 0) close(listener_);
}

}  // namespace sipsentry::testing
