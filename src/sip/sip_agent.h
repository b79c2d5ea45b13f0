#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/line_settings.h"
#include "engine/method.h"
#include "engine/outcome.h"
#include "sip/target.h"

namespace sipsentry::sip {

/// Digest credentials, used only to answer a 401/407.
struct Credentials {
  std::string user;
  std::string password;
};

/// One request as the adapter sends it.
struct OutgoingRequest {
  engine::Method method = engine::Method::kOptions;
  Target target;
  std::string user = "sipsentry";  // From/To user (and Contact user for REGISTER)
  std::string domain;              // From/To domain; empty: the target's host
  std::string call_id{};           // empty: a fresh one
  std::string from_tag{};          // empty: a fresh one
  uint32_t cseq = 1;
  std::optional<engine::Millis> expires{};         // REGISTER
  engine::Millis budget = engine::Millis(32'000);  // given up on after this, as `timeout`
  std::optional<Credentials> credentials{};        // for digest answers
  /// true: answer the challenge last received on this Call-ID with the
  /// credentials (the engine's second try). false: a challenge is reported.
  bool authorize = false;
  /// The probe's way: answer one challenge to this request by itself.
  bool answer_challenge = false;
};

/// What became of a request, with its round-trip time.
struct RequestResult {
  engine::Outcome outcome;      // a response, a transport error, or neither (timeout)
  bool timed_out = false;       // no final answer within the budget
  bool connected = false;       // TCP/TLS: a connection was established
  std::string phrase;           // the response's reason phrase
  engine::Millis round_trip{};  // first send to the final outcome
};

/// The Sofia-SIP side of sipsentry: one event loop and one SIP agent (one
/// socket per transport) for every request. The only code that includes
/// Sofia-SIP lives behind this interface.
class SipAgent {
 public:
  /// REQUIRES: `bind` is "HOST:PORT" (port 0: any free port).
  static std::unique_ptr<SipAgent> create(const std::string& bind, const engine::Timers& timers,
                                          std::string& error);
  virtual ~SipAgent() = default;

  using Completion = std::function<void(const RequestResult&)>;
  /// Sends `request`; `done` runs on the event loop with the final result.
  /// A 401/407 is answered once when the request has credentials.
  /// Returns an id for abandon().
  virtual uint64_t send(const OutgoingRequest& request, Completion done) = 0;
  /// Runs the event loop until `finished` returns true.
  virtual void run_until(const std::function<bool()>& finished) = 0;

  /// Milliseconds on a monotonic clock since the agent was created.
  virtual engine::Millis now() const = 0;
  using TimerId = uint64_t;
  /// Runs `fire` on the event loop after `delay`, unless cancelled first.
  virtual TimerId start_timer(engine::Millis delay, std::function<void()> fire) = 0;
  virtual void cancel_timer(TimerId id) = 0;
  /// Abandons request `id` (as returned by send): its completion never runs.
  virtual void abandon(uint64_t id) = 0;
  /// Messages from the network that could not be parsed and were dropped.
  virtual uint64_t malformed_messages() const = 0;
};

}  // namespace sipsentry::sip
