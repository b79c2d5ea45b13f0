// What a TLS server's certificate chain says about time, and what that
// means for an operator (issue 14): no OpenSSL here, so the check's
// results, the status page and the metrics can use it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace sipsentry::tls {

using WallTime = std::chrono::system_clock::time_point;

/// The dates of the whole chain a server presented (its own certificate
/// and the intermediates it sent): the chain stops working at the first
/// notAfter and works only after the last notBefore.
struct ChainDates {
  WallTime earliest_not_after{};
  WallTime latest_not_before{};
  int certificates = 0;
  friend bool operator==(const ChainDates&, const ChainDates&) = default;
};

/// The default of tls.expiry_warning: two weeks, time for a renewal that
/// needs a person.
inline constexpr std::chrono::milliseconds kDefaultExpiryWarning = std::chrono::days(14);

enum class CertificateState {
  kUnread,       // no chain was read (the handshake failed): says nothing by itself
  kValid,        // valid beyond the warning
  kExpiring,     // valid, but its earliest notAfter is within the warning
  kExpired,      // past its earliest notAfter
  kNotYetValid,  // before its latest notBefore
};

/// "unread", "valid", "expiring", "expired", "not_yet_valid".
const char* to_string(CertificateState state);

/// The state of `dates` at `now`, warning `warning` before the earliest
/// notAfter. Expired wins over not yet valid (both are critical).
CertificateState certificate_state(const ChainDates& dates, WallTime now,
                                   std::chrono::milliseconds warning);

/// Days from `now` to the earliest notAfter: fractional, negative once expired.
double days_left(const ChainDates& dates, WallTime now);

/// "in 3 days", "in 1 day", "in 5 hours", "within the hour", "2 days ago",
/// "just now": how far the earliest notAfter is from `now`, in whole days
/// (hours under a day), rounded down.
std::string expiry_in_words(const ChainDates& dates, WallTime now);

/// "2026-12-06 14:03:00Z".
std::string utc_text(WallTime time);

/// One server's certificate as last read.
struct CertificateReading {
  std::optional<ChainDates> dates{};  // the last chain read; nullopt: none read yet
  std::string error{};                // why the last attempt failed; empty: it succeeded
  WallTime read_at{};                 // when the last attempt was made
  std::chrono::milliseconds warning = kDefaultExpiryWarning;  // the line's tls.expiry_warning

  /// The state at `now` (kUnread without dates).
  CertificateState state_at(WallTime now) const;
  /// The state when it was read: what the check and the API report.
  CertificateState state() const { return state_at(read_at); }
  friend bool operator==(const CertificateReading&, const CertificateReading&) = default;
};

}  // namespace sipsentry::tls
