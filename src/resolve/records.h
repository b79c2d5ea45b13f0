#pragma once
// What a name resolves to: the records of one answer, each with its TTL,
// or why there are none.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sipsentry::resolve {

using Seconds = std::chrono::seconds;

/// An address of a name: IPv4 dotted ("192.0.2.1") or IPv6 ("2001:db8::1",
/// without brackets).
struct Address {
  std::string ip;
  bool ipv6 = false;
  Seconds ttl{0};  // 0 for /etc/hosts entries: re-read at the cache floor
  friend bool operator==(const Address&, const Address&) = default;
};

/// RFC 2782.
struct SrvRecord {
  uint16_t priority = 0;
  uint16_t weight = 0;
  uint16_t port = 0;
  std::string target;  // "." : the service is decidedly not available
  Seconds ttl{0};
  friend bool operator==(const SrvRecord&, const SrvRecord&) = default;
};

/// RFC 3403, as RFC 3263 uses it: flag "s" and a replacement naming SRV records.
struct NaptrRecord {
  uint16_t order = 0;
  uint16_t preference = 0;
  std::string flags;        // "s", "a", "u", "p" or empty
  std::string service;      // "SIP+D2U", "SIP+D2T", "SIPS+D2T", ...
  std::string regexp;       // unused by SIP (RFC 3263 uses the replacement)
  std::string replacement;  // e.g. "_sip._udp.example.com"
  Seconds ttl{0};
  friend bool operator==(const NaptrRecord&, const NaptrRecord&) = default;
};

/// Why a lookup gave no records.
enum class Failure {
  kNoSuchName,     // NXDOMAIN, or not in /etc/hosts nor DNS
  kNoRecords,      // the name exists, without records of the type asked
  kNoResponse,     // no DNS server answered within the caller's deadline
                   // (or the resolver's own timeout, whichever came first)
  kServerFailure,  // a server answered SERVFAIL, REFUSED or similar
  kMalformed,      // the answer could not be read
};

std::string_view to_string(Failure failure);

/// The outcome of one lookup: records (never empty), or a failure.
template <typename Record>
struct Answer {
  std::vector<Record> records{};
  std::optional<Failure> failure{};
  bool ok() const { return !failure; }
};

}  // namespace sipsentry::resolve
