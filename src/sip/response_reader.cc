#include "sip/response_reader.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

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

std::string phrase_of(sip_t const* response) {
  return response && response->sip_status && response->sip_status->st_phrase
             ? response->sip_status->st_phrase
             : "";
}

/// The expiry the registrar granted to our binding, if it lists it.
std::optional<engine::Millis> contact_expires(sip_t const* response, url_t const* contact) {
  if (!contact) return std::nullopt;
  for (sip_contact_t const* m = response->sip_contact; m; m = m->m_next) {
    if (!m->m_expires || url_cmp(m->m_url, contact) != 0) continue;
    return engine::Millis(std::strtoll(m->m_expires, nullptr, 10) * 1000);
  }
  return std::nullopt;
}

}  // namespace

bool made_by_sofia(sip_t const* response) {
  return !response || (response->sip_flags & kSofiaInternalMessage);
}

std::optional<LocalFailure> local_failure(int status, sip_t const* response, int error,
                                          engine::Transport transport) {
  if (!made_by_sofia(response)) return std::nullopt;
  bool udp = transport == engine::Transport::kUdp;
  if (status == 503 && error != 0) {
    std::string description = std::strerror(error);
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

engine::Outcome outcome_of(int status, sip_t const* response, url_t const* contact) {
  engine::Outcome outcome = engine::Outcome::response(status);
  if (!response) return outcome;
  if (response->sip_retry_after)
    outcome.retry_after = engine::Millis(response->sip_retry_after->af_delta * 1000);
  if (status < 200 || status >= 300) return outcome;
  if (response->sip_expires)
    outcome.expires = engine::Millis(response->sip_expires->ex_delta * 1000);
  if (auto granted = contact_expires(response, contact)) outcome.expires = granted;
  return outcome;
}

}  // namespace sipsentry::sip
