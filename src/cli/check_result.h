#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/boxed_optional.h"
#include "daemon/event_observer.h"
#include "engine/event.h"
#include "engine/line_engine.h"
#include "tls/chain_dates.h"

namespace sipsentry::cli {

/// The verdict of `sipsentry check` (spec.md §9), in the Nagios plugin's
/// words and order: each is worse than the one before.
enum class CheckStatus {
  kOk,        // every line on its primary, every server up
  kWarning,   // a line only on a backup, or a server down
  kCritical,  // a line holds no registration (unavailable everywhere, refused, timed out)
  kUnknown,   // the configuration or the command line is wrong: nothing was checked
};

/// "ok", "warning", "critical", "unknown".
const char* to_string(CheckStatus status);
/// 0, 1, 2, 3: the Nagios plugin convention.
int exit_code_of(CheckStatus status);

/// What the check learnt about one server: the last final outcome of a
/// request the line sent it (the walk's REGISTER, or the start-up
/// observation's OPTIONS), as sipsentry_server_up reads it.
struct ServerResult {
  engine::Server server{};  // name, address, port, transport
  bool primary = false;
  bool probed = false;  // a request to it reached a final outcome before the check ended
  bool up = false;      // that request found it available: it answered, and not 500/503
  engine::Method method = engine::Method::kOptions;  // that request
  int status = 0;                                    // its response's status; 0 when none came
  std::optional<engine::Reason> reason{};  // why it failed: unavailable, or refused while up
  engine::Millis duration{};               // from its first send to its final outcome
  std::optional<engine::Target> target{};  // the SRV target it went to; nullopt without SRV
  // A TLS server's certificate chain, read in a handshake of its own (tls/);
  // nullopt for UDP and TCP servers, names resolved by SRV, and until read.
  BoxedOptional<tls::CertificateReading> certificate{};
  // redundancy: concurrent: whether it holds a registration of the line;
  // nullopt for a successive line, which holds one at registered_server.
  std::optional<bool> holds_registration{};

  /// The round-trip time, when a response came back.
  std::optional<engine::Millis> rtt() const {
    return status != 0 ? std::optional(duration) : std::nullopt;
  }
};

/// "primary" or "backup".
const char* role_of(const ServerResult& server);

/// What `--call` found for one line: the one test call it placed through
/// the line (spec.md §6), or why it placed none.
struct CallResult {
  enum class Kind {
    kNotConfigured,  // the line has no test_call: no call, the verdict is the registration's
    kNotPlaced,      // the line holds no registration: no call (it is critical already)
    kPending,        // placed, and not over when the check ended
    kFinished,       // over: `finished` says how
  };
  Kind kind = Kind::kNotConfigured;
  std::string target{};
  std::optional<int> expected_status{};       // the line's; unset: answered (any 2xx)
  std::optional<size_t> server{};             // where the line was registered when the call began
  engine::TestCallFinished finished{};        // set when kFinished
  std::vector<engine::Failover> failovers{};  // the call's INVITE or BYE moved the line

  bool placed() const { return kind == Kind::kPending || kind == Kind::kFinished; }
  /// Over and ended as expected_status says (by default: answered).
  bool as_expected() const;
  /// Over, and the INVITE or the BYE went through another server than the
  /// one the line was registered with when the call began, or an answered
  /// call found nowhere to send its BYE.
  bool failed_over() const;
};

/// What the check found for one line.
struct LineResult {
  std::string name{};
  engine::LineState state = engine::LineState::kRegistering;
  std::optional<engine::Reason> state_reason{};       // why it is not registered
  std::optional<size_t> registered_server{};          // index into `servers`
  std::optional<engine::Target> registered_target{};  // its SRV target; nullopt without SRV
  // Registered on servers[0], but not on its first SRV target: the line is
  // on a backup there, as a phone would be (LineEngine::on_primary()).
  bool off_primary_target = false;
  BoxedOptional<engine::Failover> failover{};  // the walk left the primary
  std::vector<ServerResult> servers{};
  bool timed_out =
      false;  // still undecided, or its call not over, when the check's timeout ran out
  BoxedOptional<CallResult> call{};  // with --call only

  /// Registered where the line belongs: the primary, or its first SRV target.
  bool on_primary() const { return registered_server == 0 && !off_primary_target; }
};

/// A line's result before any event: registering, its servers not probed.
/// With `calls`, a CallResult too (kNotPlaced with the line's test_call,
/// kNotConfigured without).
LineResult initial_line_result(const engine::LineSettings& line, bool calls = false);
/// A request to one of the line's servers reached its final outcome: that
/// server's result is now the request's.
void record_request(LineResult& result, const engine::RequestFinished& finished);

/// What a server's certificate adds to its line's verdict, as read: a
/// warning when it expires within the line's tls.expiry_warning, critical
/// when expired or not yet valid; ok when valid, or not read (a failed
/// handshake is the server's requests' business, not the certificate's).
CheckStatus certificate_status(const ServerResult& server);

/// The registration decides (spec.md §9); with --call, a call that did not
/// end as expected (or was not over) makes the line critical, and one that
/// failed over makes it at least a warning; a TLS server's certificate adds
/// certificate_status().
CheckStatus line_status(const LineResult& line);
/// The worst status of `lines`.
CheckStatus overall_status(const std::vector<LineResult>& lines);

/// Turns the engine events of the checked lines into LineResults. A line's
/// registration result is final once sealed; with --call, the events of the
/// test call placed then still count for its CallResult, until the call is
/// over. The events of the un-REGISTER never count.
class ResultCollector : public daemon::EventObserver {
 public:
  /// One result per line, in this order; with `calls`, each has a
  /// CallResult (kNotConfigured for lines without a test_call).
  explicit ResultCollector(const std::vector<engine::LineSettings>& lines, bool calls = false);

  void on_event(const engine::LineSettings& line, const engine::Event& event) override;
  /// True when the line's registration is decided (registered, or failed)
  /// and every one of its servers has an outcome.
  bool decided(size_t index, const engine::LineEngine& engine) const;
  /// Takes the line's state from `engine` and ignores its later events.
  void seal(size_t index, const engine::LineEngine& engine, bool timed_out);
  bool sealed(size_t index) const { return sealed_.at(index); }
  /// Sealed, with a test call to place: --call, a test_call, registered,
  /// and not timed out. Then call_placed() before placing it.
  bool call_due(size_t index) const;
  void call_placed(size_t index);
  /// A call is placed and not over: its events still count.
  bool calling(size_t index) const;
  /// The check ends with the call not over.
  void call_timed_out(size_t index);

  const std::vector<LineResult>& results() const { return results_; }

 private:
  void record_call(LineResult& result, const engine::Event& event);

  std::map<std::string, size_t> index_;  // line name -> position
  std::vector<LineResult> results_;
  std::vector<bool> sealed_;
  std::vector<bool> calling_;
};

}  // namespace sipsentry::cli
