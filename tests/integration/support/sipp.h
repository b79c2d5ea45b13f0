#pragma once
// A SIPp UAS on loopback running one of tests/integration/sipp/*.xml, and
// what it received, read back from its message log.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/scratch.h"

namespace sipsentry::testing {

/// One message SIPp received: when (wall clock, as its log says) and what.
struct ReceivedMessage {
  std::chrono::system_clock::time_point at;
  std::string start_line;  // "REGISTER sip:… SIP/2.0"
  std::string call_id;
  std::string text;  // the whole message, body too, lines ending in "\n"
  bool is(const std::string& method) const { return start_line.starts_with(method + " "); }
};

class Sipp {
 public:
  /// Starts `scenario` (a file name under tests/integration/sipp) on a free
  /// UDP port and returns once the port is bound.
  Sipp(const ScratchDir& scratch, const std::string& name, const std::string& scenario);

  uint16_t port() const { return port_; }
  /// Every message received so far, in order.
  std::vector<ReceivedMessage> received() const;
  /// The messages of `method` received so far.
  std::vector<ReceivedMessage> received(const std::string& method) const;
  void stop() { process_->stop(); }
  /// SIPp's message log: every message it received and sent.
  std::string log() const { return read_file(message_log_); }

 private:
  std::string message_log_;
  uint16_t port_;
  std::unique_ptr<Process> process_;
};

}  // namespace sipsentry::testing
