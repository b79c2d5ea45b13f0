#pragma once
// A real Kamailio registrar on loopback (tests/integration/kamailio.cfg.in):
// digest auth, OPTIONS answered 200, every request it receives logged.

#include <cstdint>
#include <memory>
#include <string>

#include "support/process.h"
#include "support/scratch.h"

namespace sipsentry::testing {

struct KamailioOptions {
  std::string password = "s3cret";
  /// PEM certificate and key: serve TLS too, on port() + 1.
  std::string tls_certificate{};
  std::string tls_key{};
  /// Nonzero: relay test calls (INVITE, ACK, BYE, CANCEL) to a UAS on
  /// 127.0.0.1 at this UDP port.
  uint16_t uas_port = 0;
  /// With uas_port: record-route the calls it relays.
  bool record_route = false;
};

class Kamailio {
 public:
  /// Starts the registrar on free ports and returns once it answers.
  Kamailio(const ScratchDir& scratch, const std::string& name, KamailioOptions options = {});

  uint16_t port() const { return port_; }  // UDP and TCP
  uint16_t tls_port() const { return static_cast<uint16_t>(port_ + 1); }
  /// Stops every process of the instance; its ports close.
  void stop();
  /// Starts it again on the same ports, and waits until it answers.
  void start();
  /// SIGSTOP / SIGCONT to every process: a silent server, and back.
  void pause();
  void resume();
  /// Requests of `method` it received over `transport` ("udp", "tcp", "tls"),
  /// counting the UDP OPTIONS with which start() saw it answer.
  int received(const std::string& method, const std::string& transport) const;
  std::string log() const { return read_file(log_path_); }

 private:
  void write_config(const KamailioOptions& options) const;

  std::string name_;
  std::string dir_;
  std::string log_path_;
  uint16_t port_;
  bool tls_;
  bool calls_;
  bool record_route_;
  std::unique_ptr<Process> process_;
};

}  // namespace sipsentry::testing
