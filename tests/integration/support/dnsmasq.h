#pragma once
// A real DNS server for the tests: dnsmasq on a free loopback port, serving
// only the records a test gives it (names under .test that it does not
// know are NXDOMAIN), never forwarding anywhere.

#include <csignal>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/scratch.h"

namespace sipsentry::testing {

class Dnsmasq {
 public:
  /// Starts dnsmasq with `records` (its options: "--host-record=…",
  /// "--srv-host=…", "--naptr-record=…", "--local-ttl=…") and returns once
  /// it serves them.
  Dnsmasq(const ScratchDir& scratch, const std::vector<std::string>& records);

  uint16_t port() const { return port_; }
  /// "127.0.0.1:PORT", as the resolver's `server` setting takes it.
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  /// SIGSTOP / SIGCONT: a DNS server that does not answer, and back.
  void pause() { process_->signal_group(SIGSTOP); }
  void resume() { process_->signal_group(SIGCONT); }
  /// Stops it: a DNS server that is gone (its port refuses).
  void stop() { process_->stop(); }
  /// Stops it and starts it again on the same port with `records`: a zone
  /// whose record set changed.
  void restart(const std::vector<std::string>& records);
  /// The queries it logged.
  std::string log() const { return read_file(log_path_); }

 private:
  void start(const std::vector<std::string>& records);

  uint16_t port_;
  std::string log_path_;
  std::unique_ptr<Process> process_;
};

}  // namespace sipsentry::testing
