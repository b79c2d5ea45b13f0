#include "support/raw_udp_server.h"

#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <sstream>
#include <stdexcept>

namespace sipsentry::testing {
namespace {

/// The headers that tie a response to its request's transaction.
bool echoed(const std::string& line) {
  for (const char* name : {"Via:", "From:", "To:", "Call-ID:", "CSeq:"})
    if (strncasecmp(line.c_str(), name, std::char_traits<char>::length(name)) == 0) return true;
  return false;
}

}  // namespace

RawUdpServer::RawUdpServer(std::string status_line, std::string extra_headers)
    : status_line_(std::move(status_line)), extra_headers_(std::move(extra_headers)) {
  socket_ = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (socket_ < 0 || bind(socket_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (socket_ >= 0) close(socket_);
    throw std::runtime_error("RawUdpServer: cannot bind a UDP port on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

RawUdpServer::~RawUdpServer() {
  stopping_ = true;
  thread_.join();
  close(socket_);
}

void RawUdpServer::serve() {
  std::array<char, 65'536> buffer;
  while (!stopping_) {
    pollfd readable{socket_, POLLIN, 0};
    if (poll(&readable, 1, 50) <= 0) continue;  // wakes to look at stopping_
    sockaddr_in from{};
    socklen_t length = sizeof from;
    ssize_t size = recvfrom(socket_, buffer.data(), buffer.size(), 0,
                            reinterpret_cast<sockaddr*>(&from), &length);
    if (size <= 0 || std::string(buffer.data(), 8).starts_with("SIP/2.0 ")) continue;
    ++received_;
    std::string response = answer(std::string(buffer.data(), size_t(size)));
    sendto(socket_, response.data(), response.size(), 0, reinterpret_cast<sockaddr*>(&from),
           length);
  }
}

std::string RawUdpServer::answer(const std::string& request) const {
  std::string response = status_line_ + "\r\n";
  std::istringstream lines(request);
  for (std::string line; std::getline(lines, line) && line != "\r";)
    if (echoed(line)) response += line + "\n";  // the line keeps its "\r"
  return response + extra_headers_ + "Content-Length: 0\r\n\r\n";
}

}  // namespace sipsentry::testing
