#pragma once
// A UDP server on loopback that answers every request with a response of
// the test's own making, for answers no real server can be told to give
// (SIPp refuses to send a status outside 100-699). It echoes the request's
// Via, From, To, Call-ID and CSeq so that the response matches its
// transaction, and speaks no other SIP.

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace sipsentry::testing {

class RawUdpServer {
 public:
  /// Answers each request with `status_line` (e.g. "SIP/2.0 700 Odd") and
  /// `extra_headers` (each ending in "\r\n"). Throws on failure.
  RawUdpServer(std::string status_line, std::string extra_headers);
  ~RawUdpServer();
  RawUdpServer(const RawUdpServer&) = delete;
  RawUdpServer& operator=(const RawUdpServer&) = delete;

  uint16_t port() const { return port_; }
  /// Requests received so far.
  int received() const { return received_; }

 private:
  void serve();
  std::string answer(const std::string& request) const;

  std::string status_line_;
  std::string extra_headers_;
  int socket_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> received_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace sipsentry::testing
