#pragma once
// A few raw datagrams, for what sipsentry's own agent must not be used for:
// checking that a server is up, and sending garbage.

#include <chrono>
#include <cstdint>
#include <string>

namespace sipsentry::testing {

/// Sends an OPTIONS over UDP to 127.0.0.1:port; true when any response
/// comes back within `wait`.
bool udp_ping(uint16_t port, std::chrono::milliseconds wait);

/// Sends `payload` as one datagram to 127.0.0.1:port.
void send_datagram(uint16_t port, const std::string& payload);

}  // namespace sipsentry::testing
