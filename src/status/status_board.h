#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/boxed_optional.h"
#include "cli/check_result.h"
#include "daemon/event_observer.h"

namespace sipsentry::status {

using WallTime = std::chrono::system_clock::time_point;

/// The line's last move between servers: a failover or a failback.
struct LineSwitch {
  bool failback = false;  // false: a failover
  size_t from = 0;        // indexes into the line's servers
  size_t to = 0;
  std::optional<engine::Method> method{};  // the request that found `from` unavailable
  std::optional<engine::Reason> reason{};  // why (a failover's)
  WallTime at{};
};

/// What the status page and /api/v1/lines show of one line: what
/// `check --format json` shows (the same LineResult, so the same JSON),
/// plus since when it is in its state, its last switch, and until when a
/// server's Retry-After keeps the line away from it.
struct LineStatus {
  cli::LineResult result{};
  WallTime since{};                              // the last state change, or when the line started
  cli::BoxedOptional<LineSwitch> last_switch{};  // most lines never switch
  std::vector<std::optional<WallTime>> retry_after_until{};  // one per server
};

/// Worst first: 0 failed (unregistered, rejected, auth_failed), 1 on a
/// backup, 2 registering, 3 on its primary.
int severity_rank(const cli::LineResult& line);

/// What a line is filtered and ordered by: small enough to copy for every
/// line on every request, where a whole LineStatus is not.
struct LineKey {
  std::string name{};
  engine::LineState state{};
  int rank = 0;  // severity_rank
  cli::CheckStatus status{};
};

/// One line of the event log, as the page and /api/v1/events show it.
struct EventEntry {
  uint64_t sequence = 0;  // 1, 2, …: counts every entry since the daemon started
  WallTime time{};
  std::string line{};
  std::string level{};  // "info", "warn", "error"
  std::string text{};   // the event log's fields, "line=desk event=failover …"
};

/// The daemon's live view of its lines for the status page and the JSON
/// API: an EventObserver on the event loop, read by the HTTP threads.
///
/// Threading: the observer methods run on the event loop; every other
/// method may run on any thread. One mutex guards everything; a reader
/// copies lines out in batches of kLinesPerBatch, so the event loop waits
/// for at most one batch, never a whole request. A request takes every
/// line's key, picks its page from them, and copies only that page's lines.
class StatusBoard : public daemon::EventObserver {
 public:
  /// The event log's level and text for an event, or nullopt to leave it
  /// out of the recent events (single requests at debug level are).
  struct Described {
    std::string level;
    std::string text;
  };
  using Describe =
      std::function<std::optional<Described>(const engine::LineSettings&, const engine::Event&)>;
  using Clock = std::function<WallTime()>;

  static constexpr size_t kEventsKept = 200;
  static constexpr size_t kLinesPerBatch = 256;

  explicit StatusBoard(Describe describe = {}, Clock clock = std::chrono::system_clock::now);

  void on_event(const engine::LineSettings& line, const engine::Event& event) override;
  void on_line_added(const engine::LineSettings& line) override;
  void on_line_removed(const std::string& name) override;
  /// The certificate of the line's server `server` was read (the daemon's
  /// CertificateWatch, on the event loop). A line not there is ignored.
  void certificate_read(const std::string& line, size_t server,
                        const tls::CertificateReading& reading);

  /// Every line's key, by name. Lines added or removed meanwhile may be
  /// left out.
  std::vector<LineKey> keys() const;
  /// The lines called `names` that are there, in that order.
  std::vector<LineStatus> lines(std::span<const std::string> names) const;
  /// The line called `name`, if there is one.
  std::optional<LineStatus> line(std::string_view name) const;
  /// The recent events (at most kEventsKept) whose sequence is above
  /// `after`, oldest first.
  std::vector<EventEntry> events(uint64_t after = 0) const;
  /// How many lines there are.
  size_t size() const;

 private:
  struct Entry {
    LineStatus status;
    cli::BoxedOptional<engine::TestCallSettings> test_call;  // most lines have none
    std::vector<engine::Failover> call_failovers;            // of the test call under way
  };
  /// A line's entry before any event.
  static Entry new_entry(const engine::LineSettings& line, WallTime now);
  void apply(Entry& entry, const engine::Event& event, WallTime now);
  void apply_call(Entry& entry, const engine::TestCallFinished& finished);

  Describe describe_;
  Clock clock_;
  mutable std::mutex mutex_;  // guards the members below
  std::map<std::string, Entry, std::less<>> lines_;
  std::deque<EventEntry> events_;
  uint64_t next_sequence_ = 1;
};

}  // namespace sipsentry::status
