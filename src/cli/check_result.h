#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/event_observer.h"
#include "engine/event.h"
#include "engine/line_engine.h"

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

  /// The round-trip time, when a response came back.
  std::optional<engine::Millis> rtt() const {
    return status != 0 ? std::optional(duration) : std::nullopt;
  }
};

/// What the check found for one line.
struct LineResult {
  std::string name{};
  engine::LineState state = engine::LineState::kRegistering;
  std::optional<engine::Reason> state_reason{};  // why it is not registered
  std::optional<size_t> registered_server{};     // index into `servers`
  std::optional<engine::Failover> failover{};    // the walk left the primary
  std::vector<ServerResult> servers{};
  bool timed_out = false;  // still undecided when the check's timeout ran out
};

CheckStatus line_status(const LineResult& line);
/// The worst status of `lines`.
CheckStatus overall_status(const std::vector<LineResult>& lines);

/// Turns the engine events of the checked lines into LineResults. A line's
/// result is final once sealed: the events of its un-REGISTER do not count.
class ResultCollector : public daemon::EventObserver {
 public:
  /// One result per line, in this order.
  explicit ResultCollector(const std::vector<engine::LineSettings>& lines);

  void on_event(const engine::LineSettings& line, const engine::Event& event) override;
  /// True when the line's registration is decided (registered, or failed)
  /// and every one of its servers has an outcome.
  bool decided(size_t index, const engine::LineEngine& engine) const;
  /// Takes the line's state from `engine` and ignores its later events.
  void seal(size_t index, const engine::LineEngine& engine, bool timed_out);
  bool sealed(size_t index) const { return sealed_.at(index); }

  const std::vector<LineResult>& results() const { return results_; }

 private:
  void record(LineResult& result, const engine::RequestFinished& finished);

  std::map<std::string, size_t> index_;  // line name -> position
  std::vector<LineResult> results_;
  std::vector<bool> sealed_;
};

}  // namespace sipsentry::cli
