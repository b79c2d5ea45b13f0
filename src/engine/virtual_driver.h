#pragma once

#include <functional>
#include <map>
#include <optional>
#include <variant>
#include <vector>

#include "engine/action.h"
#include "engine/line_engine.h"

namespace sipsentry::engine {

/// One request on the wire: the first send or a UDP retransmission.
struct WireSend {
  Millis at;
  SendRequest request;
  int attempt;  // 0 for the first send, k for the kth retransmission
};

/// A wire send or an event, in the order the engine produced them.
using JournalEntry = std::variant<WireSend, Event>;

/// Runs a LineEngine in virtual time: carries out its actions, fires its
/// timers, puts planned UDP retransmissions on a virtual wire, and answers
/// requests through a responder. `plan` and the engine tests both use it.
class VirtualDriver {
 public:
  /// How a server answers a request: after `delay`, with `outcome`.
  struct Reply {
    Millis delay = 0ms;
    Outcome outcome;
  };
  /// Decides the reply to each first send; no reply is a silent server.
  using Responder = std::function<std::optional<Reply>(const SendRequest&, Millis now)>;

  /// `draw` is the engine's random input (see LineEngine).
  explicit VirtualDriver(LineSettings settings, Responder responder = {},
                         LineEngine::FractionDraw draw = {});

  void start();
  void stop();
  /// Processes everything due up to and including `until`, in time order.
  void advance_to(Millis until);
  void advance_by(Millis duration) { advance_to(now_ + duration); }
  /// Delivers `outcome` for request `id` now (for tests that answer by hand).
  void respond(RequestId id, const Outcome& outcome);
  /// Reports now that the TCP/TLS connection carrying request `id` is up.
  void connected(RequestId id);
  void place_test_call();
  /// Hands the engine servers[server]'s SRV targets now (see LineEngine).
  void set_targets(size_t server, std::vector<Target> targets, std::optional<Millis> ttl = {});

  Millis now() const { return now_; }
  LineEngine& engine() { return engine_; }
  const LineEngine& engine() const { return engine_; }
  const std::vector<WireSend>& wire() const { return wire_; }
  const std::vector<Event>& events() const { return events_; }
  const std::vector<JournalEntry>& journal() const { return journal_; }
  /// Requests whose first send went out and that have not finished.
  const std::map<RequestId, SendRequest>& in_flight() const { return in_flight_; }
  /// When timer `id` is due, if it is running.
  std::optional<Millis> timer_due(TimerId id) const;
  size_t timers_running() const { return timers_.size(); }

 private:
  struct Scheduled {
    Millis at;
    RequestId id;
    Outcome outcome;
  };

  void apply(Actions actions);
  void apply_one(const Action& action);
  void send(const SendRequest& request);
  void forget(RequestId id);
  void put_on_wire(const WireSend& send);
  std::optional<Millis> next_due() const;
  void fire_next(Millis at);

  LineEngine engine_;
  Responder responder_;
  Millis now_ = 0ms;
  std::map<TimerId, Millis> timers_;
  std::vector<Scheduled> replies_;
  std::map<RequestId, SendRequest> in_flight_;
  std::map<RequestId, Millis> first_sent_;
  std::map<RequestId, size_t> next_attempt_;
  std::vector<WireSend> wire_;
  std::vector<Event> events_;
  std::vector<JournalEntry> journal_;
};

}  // namespace sipsentry::engine
