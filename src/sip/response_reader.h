#pragma once
// Internal to sip/: what a Sofia-SIP response means to the engine.

#include <optional>
#include <string>

#include "engine/line_settings.h"
#include "engine/outcome.h"
#include "sip/sofia.h"

namespace sipsentry::sip {

/// A response Sofia-SIP made itself (NTA_INTERNAL_MSG) instead of one from
/// the network: a transport error, a DNS failure, or the end of the
/// transaction's lifetime.
struct LocalFailure {
  /// The cause of spec.md §2; nullopt when the stack merely gave up (its own
  /// 408) or failed in a way §2 does not name.
  std::optional<engine::TransportError> error;
  std::string description;  // for the log and the probe's output
};

/// True for a response Sofia-SIP made itself rather than one from the network.
bool made_by_sofia(sip_t const* response);

/// nullopt when `response` came from the network. `error` is the errno the
/// transport reported for the request (0 for none); `while_sending` is true
/// when Sofia-SIP answered inside the call that sent it, before anything
/// could have come back from the network.
std::optional<LocalFailure> local_failure(int status, sip_t const* response, int error,
                                          engine::Transport transport, bool while_sending = false);

/// The outcome of a response from the network: its status, a 503's
/// Retry-After, and for a REGISTER's 2xx the expiry granted to `contact`
/// (the Contact sent; other bindings of the same user are not ours), else
/// the Expires header.
///
/// Every number is bounded so that the outcome is always possible() (see
/// engine/outcome.h): nullopt for a status outside 100-699, which means
/// nothing and is to be dropped; delta-seconds beyond RFC 3261's 2^32 - 1
/// count as 2^32 - 1 and a Retry-After as kMaxRetryAfter at the most. A
/// Contact's expires that is no delta-seconds (empty, signed, a date,
/// garbage) and an Expires header in the date form RFC 2543 had are
/// ignored, as if absent.
std::optional<engine::Outcome> outcome_of(int status, sip_t const* response, url_t const* contact);

}  // namespace sipsentry::sip
