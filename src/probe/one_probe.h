#pragma once
// One ad-hoc probe of one server: an OPTIONS, or a REGISTER that answers
// one digest challenge, with RFC 3263 for a name without a port. The one
// implementation behind `sipsentry probe` and the daemon's /probe.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/outcome.h"
#include "resolve/resolution.h"
#include "resolve/rfc3263.h"
#include "sip/sip_agent.h"

namespace sipsentry::probe {

/// What the probe found, as operators, scripts and Prometheus read it.
struct Finding {
  engine::Verdict verdict;
  std::string outcome;  // "2xx" … or a reason label
  int status = 0;
  std::string phrase;
  engine::Millis round_trip{};
  std::string address{};  // where a name was sent to; empty: not resolved by the adapter

  bool available() const { return verdict.kind != engine::Verdict::Kind::kUnavailable; }
  /// Nothing left this host (spec.md §2's local error).
  bool local_error() const { return verdict.reason.kind == engine::Reason::Kind::kLocal; }
};

/// How the target came from an RFC 3263 lookup (a name without a port and
/// without maddr): the record set and the targets it gave.
struct SrvRoute {
  resolve::Resolution resolution;
  std::vector<resolve::ServiceTarget> targets{};  // in the order RFC 3263 tries them
};

struct ProbeResult {
  sip::Target sent_to;  // where the request went: the first SRV target when routed
  std::optional<SrvRoute> route;
  Finding finding;
};

/// What to send where.
struct ProbeSpec {
  std::string uri;                        // sip:HOST[:PORT][;transport=…] or sips:HOST[:PORT]
  std::string user{};                     // non-empty: a REGISTER for this user, else OPTIONS
  std::optional<std::string> password{};  // REGISTER: answers one challenge
  std::string domain{};                   // From/To domain; empty: the target's host
  engine::Millis timeout{32'000};         // the whole probe, an SRV lookup included
  sip::TlsPolicy tls{};
};

/// The request `spec` describes, with its budget and planned sends, or
/// nullopt with `error` saying what is wrong with the URI.
std::optional<sip::OutgoingRequest> build_request(const ProbeSpec& spec, std::string& error);

/// A probe in progress on an agent's event loop.
class OneProbe : public std::enable_shared_from_this<OneProbe> {
 public:
  using Done = std::function<void(const ProbeResult&)>;
  /// Starts the probe of `uri` with `request` (from build_request); `done`
  /// runs once on the loop with what it found, at the latest when the
  /// request's budget has passed. REQUIRES: called on the agent's loop.
  static std::shared_ptr<OneProbe> start(sip::SipAgent& agent, const std::string& uri,
                                         sip::OutgoingRequest request, Done done);
  /// Gives up: the request is forgotten and `done` never runs. On the loop.
  void abandon();

  OneProbe(sip::SipAgent& agent, sip::OutgoingRequest request, Done done);

 private:
  void route(const resolve::ServerName& server);
  void routed(const resolve::ServerName& server, const resolve::Resolution& resolution);
  void send();
  void reported(const sip::RequestReport& report);
  void finish(Finding finding);
  void stop();

  sip::SipAgent& agent_;
  sip::OutgoingRequest request_;
  Done done_;
  std::optional<SrvRoute> route_;
  bool finished_ = false;
  bool connected_ = false;
  engine::Millis started_{};  // of the lookup, then of the send
  std::optional<sip::SipAgent::RequestId> sent_;
  std::optional<sip::SipAgent::TimerId> timer_;
};

}  // namespace sipsentry::probe
