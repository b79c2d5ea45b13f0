// The certificate chain a TLS server presents, read in a handshake of our
// own. The only code that includes OpenSSL.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tls/chain_dates.h"

namespace sipsentry::tls {

/// Connects to `address` (an IP address, IPv6 without brackets, or a host
/// name, looked up with the system's resolver) on `port`, makes a TLS
/// handshake offering `server_name` as SNI (none when empty, as for an IP
/// address), and returns the dates of the whole chain the server sent.
///
/// Never verifies: an expired, not yet valid or self-signed certificate is
/// exactly what must be read. Blocks the calling thread for at most
/// `timeout` from the connect to the end of the handshake (a name lookup
/// comes before and is not bounded by it). Sends nothing after the
/// handshake but a close_notify. Returns nullopt and says why in `error`
/// ("connect: Connection refused", "handshake: …", "timed out after 5s
/// (handshake)") when no chain could be read.
///
/// Why a handshake of its own rather than Sofia-SIP's: see README.md here.
std::optional<ChainDates> read_chain_dates(const std::string& address, uint16_t port,
                                           const std::string& server_name,
                                           std::chrono::milliseconds timeout, std::string& error);

/// The same, for a worker that must stop promptly: the read ends early,
/// error "cancelled (connect)" or "cancelled (handshake)", within about
/// 50 ms of `*cancelled` turning true (a name lookup is not cut short).
/// A null `cancelled` is never cancelled.
std::optional<ChainDates> read_chain_dates(const std::string& address, uint16_t port,
                                           const std::string& server_name,
                                           std::chrono::milliseconds timeout, std::string& error,
                                           const std::atomic<bool>* cancelled);

}  // namespace sipsentry::tls
