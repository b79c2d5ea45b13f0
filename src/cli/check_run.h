#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "cli/check_report.h"
#include "config/config.h"
#include "daemon/line_driver.h"
#include "sip/sip_agent.h"

namespace sipsentry::cli {

/// A line's settings as the check drives it: the engine's own walk and
/// observation, with one observation round only (the one at start-up), no
/// scheduled test calls, and an un-REGISTER of the check's own binding when
/// the line stops. With `calls` the line keeps its test_call (for the one
/// call --call places), its schedule pushed past the end of any check.
engine::LineSettings check_settings(engine::LineSettings settings, bool calls = false);

/// A line's worst-case register walk: the sum of its servers' REGISTER
/// budgets (39.5 s for two UDP servers with the defaults), each server as
/// configured.
engine::Millis worst_walk(const engine::LineSettings& line);
/// The same for the walk `engine` will really do: with SRV, each target of
/// an entry in its place (up to 8 an entry), every one with a non-last
/// budget but the walk's very last.
engine::Millis worst_walk(const engine::LineEngine& engine);

/// A line's worst-case test call through one server: the longest INVITE
/// budget of its servers (no 1xx before it), the ring timeout, the hold,
/// and the longest BYE budget; zero without a test_call.
engine::Millis worst_call(const engine::LineSettings& line);
/// The same over the places of the walk `engine` will really do.
engine::Millis worst_call(const engine::LineEngine& engine);

/// The default --timeout as far as the configuration tells: the longest
/// worst-case walk of `lines` (with `calls`, walk and call), plus
/// kTimeoutMargin for digest answers and the event loop. A server resolved
/// by SRV counts once here; CheckRun waits longer once its targets are in.
engine::Millis default_timeout(const std::vector<config::LineConfig>& lines, bool calls = false);
inline constexpr engine::Millis kTimeoutMargin{5000};

/// How long the check waits for its un-REGISTERs once it is over.
inline constexpr engine::Millis kUnregisterGrace{2000};

/// One pass over `lines`, all at once on one SIP agent: each line's engine
/// walks the servers and observes the others; a line is done as soon as it
/// is decided (ResultCollector::decided) or, with `calls`, once the test
/// call placed then is over, and then stops, un-REGISTERing what the check
/// registered.
class CheckRun {
 public:
  /// REQUIRES: `agent` and `log` (may be null) outlive the run.
  CheckRun(sip::SipAgent& agent, const std::vector<config::LineConfig>& lines,
           daemon::EventObserver* log, bool calls = false);

  /// Runs until every line is done, or `timeout` has passed, or `stop`
  /// returns true (lines still undecided, or calling, count as they are,
  /// marked timed out), then waits up to kUnregisterGrace for the
  /// un-REGISTERs. Without a `timeout`, the default: default_timeout() of
  /// the lines, made longer when SRV targets make a walk longer (the
  /// drivers hand them to the engines before the walks start), so that the
  /// check waits for the walk each engine really does.
  CheckReport run(std::optional<engine::Millis> timeout, const std::function<bool()>& stop);

 private:
  /// Everything one engine event goes to: the results, and the log if any.
  class Fanout : public daemon::EventObserver {
   public:
    Fanout(ResultCollector& results, daemon::EventObserver* log) : results_(results), log_(log) {}
    void on_event(const engine::LineSettings& line, const engine::Event& event) override;

   private:
    ResultCollector& results_;
    daemon::EventObserver* log_;
  };

  /// Seals every line that is decided, and stops every line that is done;
  /// true when none is left.
  bool finish_decided();
  /// A line's registration is decided and every server probed (or the check
  /// is over): seal it, and with --call place its one test call.
  void on_decided(size_t index, bool timed_out);
  /// Sealed, and no call in progress.
  bool done(size_t index) const;
  bool idle() const;
  /// The longest worst case of the lines' walks (and calls) as their
  /// engines have them now, plus kTimeoutMargin.
  engine::Millis walk_timeout() const;

  sip::SipAgent& agent_;
  bool calls_;
  ResultCollector results_;
  Fanout fanout_;
  std::vector<std::unique_ptr<daemon::LineDriver>> drivers_;
};

}  // namespace sipsentry::cli
