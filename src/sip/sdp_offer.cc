#include "sip/sdp_offer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sipsentry::sip {
namespace {

// Tries for an even port before taking whatever the kernel gives.
constexpr int kEvenPortTries = 8;

bool ipv6(const std::string& address) {
  return address.find(':') != std::string::npos;
}

/// `address` with port `port` as a socket address; false when it is no literal.
bool socket_address(const std::string& address, uint16_t port, sockaddr_storage& out,
                    socklen_t& length) {
  std::memset(&out, 0, sizeof out);
  std::string bare = address;
  if (bare.size() > 1 && bare.front() == '[') bare = bare.substr(1, bare.size() - 2);
  if (ipv6(bare)) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    length = sizeof *in6;
    return inet_pton(AF_INET6, bare.c_str(), &in6->sin6_addr) == 1;
  }
  auto* in4 = reinterpret_cast<sockaddr_in*>(&out);
  in4->sin_family = AF_INET;
  in4->sin_port = htons(port);
  length = sizeof *in4;
  return inet_pton(AF_INET, bare.c_str(), &in4->sin_addr) == 1;
}

/// A UDP socket bound to `address` on a free port; -1 on failure.
int bind_any_port(const sockaddr_storage& address, socklen_t length, uint16_t& port) {
  int fd = socket(address.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_storage bound{};
  socklen_t bound_length = sizeof bound;
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_length) != 0) {
    close(fd);
    return -1;
  }
  port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return fd;
}

}  // namespace

std::string sdp_offer(const std::string& address, uint16_t rtp_port, uint64_t session_id) {
  std::string bare = address;
  if (bare.size() > 1 && bare.front() == '[') bare = bare.substr(1, bare.size() - 2);
  std::string net = std::string("IN ") + (ipv6(bare) ? "IP6 " : "IP4 ") + bare;
  std::string id = std::to_string(session_id);
  const std::string lines[] = {"v=0",
                               "o=sipsentry " + id + " " + id + " " + net,
                               "s=sipsentry test call",
                               "c=" + net,
                               "t=0 0",
                               "m=audio " + std::to_string(rtp_port) + " RTP/AVP 0 8",
                               "a=rtpmap:0 PCMU/8000",
                               "a=rtpmap:8 PCMA/8000",
                               "a=sendrecv"};
  std::string offer;
  for (const std::string& line : lines) offer += line + "\r\n";
  return offer;
}

std::unique_ptr<RtpSocket> RtpSocket::open(const std::string& address, std::string& error) {
  sockaddr_storage where{};
  socklen_t length = 0;
  if (!socket_address(address, 0, where, length)) {
    error = "'" + address + "' is not an IP address for RTP";
    return nullptr;
  }
  for (int attempt = 1;; ++attempt) {
    uint16_t port = 0;
    int fd = bind_any_port(where, length, port);
    if (fd < 0) {
      error = "cannot bind an RTP port on " + address + ": " + std::strerror(errno);
      return nullptr;
    }
    if (port % 2 == 0 || attempt == kEvenPortTries)
      return std::unique_ptr<RtpSocket>(new RtpSocket(fd, port));
    close(fd);
  }
}

RtpSocket::~RtpSocket() {
  close(fd_);
}

}  // namespace sipsentry::sip
