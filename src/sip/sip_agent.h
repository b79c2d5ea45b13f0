#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/line_settings.h"
#include "engine/method.h"
#include "engine/outcome.h"
#include "resolve/target_directory.h"
#include "sip/target.h"

namespace sipsentry::sip {

enum class LogSeverity {
  kDebug,    // Sofia-SIP's own diagnostics: what the outcome already says, in more words
  kWarning,  // something an operator must know (TLS verification turned off, …)
};
using LogSink = std::function<void(LogSeverity, const std::string&)>;

/// How a TLS server's certificate is checked (spec.md's `tls` settings).
struct TlsPolicy {
  bool verify = true;     // chain and server name; false only by explicit opt-out
  std::string ca_file{};  // PEM file of trusted CAs; empty: the system CA store
  friend bool operator==(const TlsPolicy&, const TlsPolicy&) = default;
};

struct AgentOptions {
  // "HOST:PORT" each ("[::1]:0" for IPv6); port 0: any free port. One
  // address of each family reaches IPv4 and IPv6 servers from one process.
  std::vector<std::string> bind = {"0.0.0.0:0", "[::]:0"};
  std::string resolv_conf{};  // NTA's DNS configuration (TLS names); empty: /etc/resolv.conf
  /// "IP:PORT" of the one DNS server sipsentry's resolver asks, instead of
  /// /etc/resolv.conf's: for tests, with a DNS server on a loopback port.
  std::string dns_server{};
  LogSink log{};  // where warnings and Sofia's diagnostics go; null: nowhere
};

/// Digest credentials, used only to answer a 401/407.
struct Credentials {
  std::string user;
  std::string password;
};

/// One request as the adapter sends it: what the engine decided, in SIP terms.
struct OutgoingRequest {
  engine::Method method = engine::Method::kOptions;
  Target target;
  /// The numeric address the adapter resolved `target.host` to (the route
  /// URI's host); empty: the host itself. Set by the adapter, not the caller.
  std::string address{};
  std::string user = "sipsentry";  // From/To user (and Contact user for REGISTER)
  std::string domain;              // From/To domain; empty: the target's host
  std::string call_id{};           // empty: a fresh one, for this request alone
  /// A test call's INVITE, ACK, BYE, CANCEL: whom it calls (the INVITE's
  /// Request-URI, and the To of every request of the call).
  std::string callee{};
  std::string from_tag{};  // empty: a fresh one
  uint32_t cseq = 1;
  std::optional<engine::Millis> expires{};  // REGISTER: Expires (0 removes the binding)
  engine::Timers timers{};                  // T1, T2, T4 of the retransmissions
  engine::Millis budget = engine::Millis(32'000);
  /// The engine's planned sends (0 and the UDP retransmissions) within the budget.
  std::vector<engine::Millis> sends{engine::Millis(0)};
  TlsPolicy tls{};
  std::optional<Credentials> credentials{};
  /// true: answer the challenge last received on this Call-ID (the engine's second try).
  bool authorize = false;
  /// The probe's way: answer one challenge to this request by itself.
  bool answer_challenge = false;

  /// Where the request is sent: the target, with its resolved address.
  Target route_target() const {
    Target route = target;
    if (!address.empty()) route.host = address;
    return route;
  }
};

/// Something that happened to a request.
struct RequestReport {
  enum class Kind {
    kConnected,    // TCP/TLS: the connection carrying the request is established
    kProvisional,  // a 1xx response, in `outcome`
    kFinal,        // a final response or a transport error (spec.md §2); the request is over
    kGaveUp,       // the request ended without an answer to act on: the stack gave
                   // up just before the budget, or the final response was dropped
                   // (a status outside 100-699); the caller's budget decides
  };
  Kind kind = Kind::kFinal;
  engine::Outcome outcome{};
  bool connected = false;  // TCP/TLS: a connection was established
  std::string phrase{};    // the response's reason phrase, or what failed
  /// The numeric address the request went to when the adapter resolved the
  /// target's name (a route URI's host: IPv6 in brackets); empty otherwise.
  std::string address{};
  engine::Millis round_trip{};  // from the first send (a `dns` failure: from the lookup)
  bool finished() const { return kind == Kind::kFinal || kind == Kind::kGaveUp; }
};

/// The Sofia-SIP side of sipsentry: one event loop and a few SIP agents for
/// every request of every line. Nothing outside sip/ sees Sofia-SIP.
class SipAgent {
 public:
  /// Returns nullptr and says why in `error` when it cannot bind or start.
  static std::unique_ptr<SipAgent> create(const AgentOptions& options, std::string& error);
  virtual ~SipAgent() = default;

  using RequestId = uint64_t;
  using Listener = std::function<void(const RequestReport&)>;
  /// Sends `request`; `listener` runs on the event loop for each report,
  /// the last one being finished(). It may run before send() returns.
  ///
  /// A test call's requests share its Call-ID, and the agent keeps the call
  /// under it until end_call(): an INVITE carries an SDP offer naming an RTP
  /// port the agent holds open; its 2xx sets up the dialog; the ACK for that
  /// 2xx goes end to end (Request-URI the 2xx's Contact, the dialog's To tag,
  /// the INVITE's CSeq) through the server that carried the INVITE, and has
  /// no reports: `listener` never runs for it; a BYE goes in the dialog
  /// through the server it names; a CANCEL cancels the call's INVITE in
  /// progress.
  virtual RequestId send(const OutgoingRequest& request, Listener listener) = 0;
  /// The dialog on `call_id` is over: a test call's dialog is forgotten and
  /// its RTP port closed, and a digest challenge still kept for the Call-ID
  /// is dropped. Unknown Call-IDs are ignored.
  virtual void end_call(const std::string& call_id) = 0;
  /// Forgets request `id`: its listener never runs again. Unknown ids are ignored.
  virtual void abandon(RequestId id) = 0;

  /// Serves the event loop until `finished` returns true. The loop sleeps
  /// until a timer is due, a socket is readable or a signal arrives, and
  /// only then looks at `finished`: a condition that becomes true with the
  /// clock alone wants the overload with a deadline.
  virtual void run_until(const std::function<bool()>& finished) = 0;
  /// Serves the event loop until `finished` returns true or the clock
  /// reaches `deadline` (a timer wakes the loop then).
  void run_until(const std::function<bool()>& finished, engine::Millis deadline) {
    TimerId wake = start_timer(std::max(deadline - now(), engine::Millis(0)), [] {});
    run_until([&] { return finished() || now() >= deadline; });
    cancel_timer(wake);
  }
  /// Milliseconds on a monotonic clock since the agent was created.
  virtual engine::Millis now() const = 0;
  using TimerId = uint64_t;
  /// Runs `fire` on the event loop after `delay`, unless cancelled first.
  virtual TimerId start_timer(engine::Millis delay, std::function<void()> fire) = 0;
  virtual void cancel_timer(TimerId id) = 0;
  /// Runs `work` on the event loop soon, in the order posted. The one method
  /// that is safe to call from any thread: how the HTTP endpoint's threads
  /// and other workers hand the loop what only it may touch.
  virtual void post(std::function<void()> work) = 0;

  /// Messages from the network that could not be parsed and were dropped.
  virtual uint64_t malformed_messages() const = 0;
  /// Responses that parsed but were dropped for a number out of range (a
  /// status outside 100-699), never acted on.
  virtual uint64_t out_of_range_messages() const = 0;
  /// The port the agent listens on (UDP and TCP), the one REGISTER's Contact names.
  virtual uint16_t local_port() const = 0;
  /// The RFC 3263 record sets of the servers given by name, resolved on this
  /// agent's event loop by the resolver its requests use.
  virtual resolve::TargetDirectory& directory() = 0;
};

}  // namespace sipsentry::sip
