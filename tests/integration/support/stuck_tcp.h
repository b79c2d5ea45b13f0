#pragma once
// TCP faults that no SIP server can be told to have: a listener whose
// accept queue is full, so that a new connection never completes (the
// kernel drops its SYNs), and one that completes connections but never
// reads or answers. They speak no SIP at all.

#include <cstdint>

namespace sipsentry::testing {

class StuckTcpListener {
 public:
  enum class Fault {
    kHandshakeNeverCompletes,  // listen(0) with its one queue slot taken
    kConnectedButSilent,       // connections complete; nothing is ever read
  };
  /// Listens on a free port of 127.0.0.1 with `fault`. Throws on failure.
  explicit StuckTcpListener(Fault fault);
  ~StuckTcpListener();
  StuckTcpListener(const StuckTcpListener&) = delete;
  StuckTcpListener& operator=(const StuckTcpListener&) = delete;

  uint16_t port() const { return port_; }

 private:
  int listener_ = -1;
  int filler_ = -1;  // the connection that fills the queue
  uint16_t port_ = 0;
};

}  // namespace sipsentry::testing
