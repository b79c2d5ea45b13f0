#pragma once
// Shared by the unit and integration tests: whether a loopback UDP port is
// bound by someone (SIPp started, an RTP socket still open).

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace sipsentry::testing {

/// True when a UDP socket cannot bind 127.0.0.1:`port` now.
inline bool udp_port_taken(uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  bool taken = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0;
  close(fd);
  return taken;
}

}  // namespace sipsentry::testing
