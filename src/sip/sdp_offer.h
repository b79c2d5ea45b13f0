#pragma once
// Internal to sip/: the media side of a test call's INVITE.

#include <cstdint>
#include <memory>
#include <string>

namespace sipsentry::sip {

/// The SDP offer of a test call's INVITE (RFC 4566, RFC 3264): one audio
/// stream, PCMU and PCMA, at `address` (an IPv4 or IPv6 literal) and
/// `rtp_port`. It names nothing but these: no user, no credentials.
std::string sdp_offer(const std::string& address, uint16_t rtp_port, uint64_t session_id);

/// A UDP socket bound for a test call's lifetime, so that the port its SDP
/// offer names is really sipsentry's. Nothing is sent or read on it: media
/// need not flow (spec.md §6). Closed when destroyed.
class RtpSocket {
 public:
  /// Binds a free port on `address`, even as RTP prefers when one comes
  /// within a few tries. nullptr and `error` when it cannot bind.
  static std::unique_ptr<RtpSocket> open(const std::string& address, std::string& error);
  ~RtpSocket();
  RtpSocket(const RtpSocket&) = delete;
  RtpSocket& operator=(const RtpSocket&) = delete;

  uint16_t port() const { return port_; }

 private:
  RtpSocket(int fd, uint16_t port) : fd_(fd), port_(port) {}
  int fd_;
  uint16_t port_;
};

}  // namespace sipsentry::sip
