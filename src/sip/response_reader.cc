#include "sip/response_reader.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sipsentry::sip {
namespace {

// Sofia marks the responses it makes itself with this flag; the constant
// lives in a private header of NTA (NTA_INTERNAL_MSG).
constexpr unsigned kSofiaInternalMessage = 1u << 15;

/// ICMP errors a UDP socket reports for a request (spec.md §2: `icmp`).
bool icmp_error(int error) {
  return error == ECONNREFUSED || error == EHOSTUNREACH || error == ENETUNREACH ||
         error == EHOSTDOWN;
}

/// A TCP/TLS connection refused, reset or cut (spec.md §2: `tcp_refused`).
bool connection_error(int error) {
  return error == ECONNREFUSED || error == ECONNRESET || error == ECONNABORTED || error == EPIPE ||
         error == ENOTCONN || error == EHOSTUNREACH || error == ENETUNREACH;
}

/// The request could not leave this host (spec.md §2: a local error): no
/// socket of the server's address family, an address that is not ours, a
/// network that is down. ENETUNREACH is "no route" only when the send
/// itself returned it; later it is an ICMP network unreachable.
bool local_error(int error, bool while_sending) {
  return error == EAFNOSUPPORT || error == EPFNOSUPPORT || error == EPROTONOSUPPORT ||
         error == EADDRNOTAVAIL || error == ENETDOWN || (while_sending && error == ENETUNREACH);
}

std::string phrase_of(sip_t const* response) {
  return response && response->sip_status && response->sip_status->st_phrase
             ? response->sip_status->st_phrase
             : "";
}

// RFC 3261 §20.19: delta-seconds run from 0 to 2^32 - 1.
constexpr uint64_t kMaxDeltaSeconds = 4'294'967'295;
static_assert(engine::kMaxExpiry == std::chrono::seconds(kMaxDeltaSeconds));

/// Seconds as Sofia read them (strtoul, which saturates), clamped first so
/// that the conversion to milliseconds cannot overflow.
engine::Millis delta_seconds(unsigned long seconds) {
  return std::chrono::seconds(std::min<uint64_t>(seconds, kMaxDeltaSeconds));
}

/// A parameter's text as delta-seconds (digits only), clamped to 2^32 - 1;
/// nullopt when it is no delta-seconds.
std::optional<engine::Millis> parse_delta_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t seconds = 0;
  for (char digit : text) {
    if (digit < '0' || digit > '9') return std::nullopt;
    // At most (2^32 - 1) * 10 + 9 before the clamp: far inside 64 bits.
    seconds = std::min<uint64_t>(seconds * 10 + uint64_t(digit - '0'), kMaxDeltaSeconds);
  }
  return std::chrono::seconds(seconds);
}

/// The expiry the registrar granted to our binding, if it lists it with a
/// well-formed expires.
std::optional<engine::Millis> contact_expires(sip_t const* response, url_t const* contact) {
  if (!contact) return std::nullopt;
  for (sip_contact_t const* m = response->sip_contact; m; m = m->m_next) {
    if (!m->m_expires || url_cmp(m->m_url, contact) != 0) continue;
    return parse_delta_seconds(m->m_expires);
  }
  return std::nullopt;
}

/// The Expires header's delta-seconds; nothing for RFC 2543's date form,
/// which RFC 3261 dropped and whose meaning hangs on the two clocks.
std::optional<engine::Millis> header_expires(sip_t const* response) {
  sip_expires_t const* expires = response->sip_expires;
  if (!expires || expires->ex_date != 0) return std::nullopt;
  return delta_seconds(expires->ex_delta);
}

}  // namespace

bool made_by_sofia(sip_t const* response) {
  return !response || (response->sip_flags & kSofiaInternalMessage);
}

std::optional<LocalFailure> local_failure(int status, sip_t const* response, int error,
                                          engine::Transport transport, bool while_sending) {
  if (!made_by_sofia(response)) return std::nullopt;
  bool udp = transport == engine::Transport::kUdp;
  if (status == 503 && error != 0) {
    std::string description = std::strerror(error);
    if (local_error(error, while_sending))
      return LocalFailure{engine::TransportError::kLocal, description};
    if (udp && icmp_error(error)) return LocalFailure{engine::TransportError::kIcmp, description};
    if (!udp && connection_error(error))
      return LocalFailure{engine::TransportError::kTcpRefused, description};
    return LocalFailure{std::nullopt, description};
  }
  // NTA's resolver says "DNS Error" when a name does not resolve.
  if (status == 503 && phrase_of(response) == "DNS Error")
    return LocalFailure{engine::TransportError::kDns, "the name does not resolve"};
  if (status == 408) return LocalFailure{std::nullopt, "no answer"};
  return LocalFailure{std::nullopt, std::to_string(status) + " " + phrase_of(response)};
}

std::optional<engine::Outcome> outcome_of(int status, sip_t const* response, url_t const* contact) {
  // Sofia's parser takes any status below INT_MAX, and NTA passes one of
  // 700 or more on as final.
  if (status < 100 || status > 699) return std::nullopt;
  engine::Outcome outcome = engine::Outcome::response(status);
  if (!response) return outcome;
  // Its comment and `duration` (how long the server stays up once back)
  // change nothing for a phone that only waits.
  if (response->sip_retry_after)
    outcome.retry_after =
        std::min(delta_seconds(response->sip_retry_after->af_delta), engine::kMaxRetryAfter);
  if (status < 200 || status >= 300) return outcome;
  outcome.expires = header_expires(response);
  if (auto granted = contact_expires(response, contact)) outcome.expires = granted;
  return outcome;
}

}  // namespace sipsentry::sip
