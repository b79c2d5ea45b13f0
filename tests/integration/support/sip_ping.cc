#include "support/sip_ping.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace sipsentry::testing {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  return address;
}

/// A UDP socket bound to an ephemeral loopback port, and that port.
int bound_socket(uint16_t& local_port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  local_port = ntohs(address.sin_port);
  return fd;
}

std::string options_request(uint16_t port, uint16_t local_port) {
  std::string here = "127.0.0.1:" + std::to_string(local_port);
  return "OPTIONS sip:127.0.0.1:" + std::to_string(port) +
         " SIP/2.0\r\n"
         "Via: SIP/2.0/UDP " +
         here + ";branch=z9hG4bK-ready-" + std::to_string(local_port) +
         "\r\n"
         "Max-Forwards: 70\r\n"
         "From: <sip:readiness@" +
         here +
         ">;tag=ready\r\n"
         "To: <sip:127.0.0.1>\r\n"
         "Call-ID: readiness-" +
         std::to_string(local_port) +
         "@test\r\n"
         "CSeq: 1 OPTIONS\r\n"
         "Content-Length: 0\r\n\r\n";
}

}  // namespace

bool udp_ping(uint16_t port, std::chrono::milliseconds wait) {
  uint16_t local_port = 0;
  int fd = bound_socket(local_port);
  timeval timeout{0, static_cast<suseconds_t>(wait.count() * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string request = options_request(port, local_port);
  sockaddr_in server = loopback(port);
  sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&server),
         sizeof server);
  char reply[4096];
  bool answered = recv(fd, reply, sizeof reply, 0) > 0;
  close(fd);
  return answered;
}

void send_datagram(uint16_t port, const std::string& payload) {
  uint16_t local_port = 0;
  int fd = bound_socket(local_port);
  sockaddr_in server = loopback(port);
  sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&server),
         sizeof server);
  close(fd);
}

}  // namespace sipsentry::testing
