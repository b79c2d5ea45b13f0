// How each engine event moves the metrics of spec.md §8.
#include "metrics/line_metrics.h"

#include <variant>

#include "engine/line_state.h"
#include "engine/method.h"

namespace sipsentry::metrics {
namespace {

using engine::LineState;

double seconds(engine::Millis duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

}  // namespace

LineMetrics::LineMetrics(LineRecord& record, Distributions& distributions,
                         const engine::LineSettings& line)
    : record_(record), distributions_(distributions), line_(line) {}

void LineMetrics::create() {
  record_ = LineRecord{};
  for (const engine::Server& server : line_.servers)
    record_.servers.emplace_back().name = server.name;
  // Counters whose labels are known now start at 0, so that increase() sees
  // their first event; those labelled by reasons appear when one happens.
  bool concurrent = line_.redundancy == engine::Redundancy::kConcurrent;
  // A concurrent line fails back when its primary registers again, whatever
  // failback says, and never probes.
  record_.failback_possible = (line_.failback.enabled || concurrent) && line_.servers.size() > 1;
  if (record_.failback_possible) {
    for (size_t backup = 1; backup < line_.servers.size(); ++backup)
      record_.failbacks.at({backup, 0});
  }
  if (record_.failback_possible && !concurrent) {
    for (auto result :
         {engine::FailbackProbe::Result::kSuccess, engine::FailbackProbe::Result::kUnavailable,
          engine::FailbackProbe::Result::kRejected})
      record_.failback_probes.at(result);
  }
  record_.test_call = line_.test_call.has_value();
  record_.concurrent = concurrent;
  add_distributions(distributions_, line_.name, record_);
}

void LineMetrics::add_distributions(Distributions& distributions, std::string_view line,
                                    const LineRecord& record) {
  for (const ServerView& server : record.servers) {
    if (record.servers.size() > 1)
      distributions.add(Families::failover_detection, line, server.name);
    if (record.test_call) {
      distributions.add(Families::test_call_setup, line, server.name);
      distributions.add(Families::test_call_post_dial_delay, line, server.name);
    }
  }
}

void LineMetrics::record(const engine::Event& event, double wall_seconds) {
  wall_seconds_ = wall_seconds;
  std::visit([this](const auto& what) { on(what); }, event.what);
}

void LineMetrics::on(const engine::StateChanged& changed) {
  record_.state = changed.to;
  if (changed.to == LineState::kRegistered)
    record_.registered = true;  // the Registered event names the server
  else
    set_registered_on(std::nullopt);  // every other state means the engine left its registration
}

void LineMetrics::on(const engine::Registered& registered) {
  set_registered_on(registered.server);
  record_.active_target = registered.target;
  record_.active_on_primary = registered.on_primary;
  record_.registration_expiry = wall_seconds_ + seconds(registered.expires);
}

void LineMetrics::on(const engine::Failover& failover) {
  ++record_.failovers.at({failover.from, failover.to, failover.method, failover.reason.label()});
  distributions_.observe(Families::failover_detection, line_.name, name_of(failover.from), {},
                         seconds(failover.detection));
  switched();
}

void LineMetrics::on(const engine::Failback& failback) {
  ++record_.failbacks.at({failback.from, failback.to});
  switched();
}

void LineMetrics::on(const engine::FailbackProbe& probe) {
  ++record_.failback_probes.at(probe.result);
}

void LineMetrics::on(const engine::RegisterFailure&) {
  ++record_.register_failures;
  set_registered_on(std::nullopt);
}

void LineMetrics::on(const engine::RequestFinished& request) {
  ServerView& server = record_.servers.at(request.server);
  ++server.requests.at({request.method, request.outcome});
  // Timeouts and transport errors have no response: their duration is the
  // budget or a local error, not a server's latency.
  if (request.status != 0)
    distributions_.observe(Families::request_duration, line_.name, server.name,
                           engine::to_string(request.method), seconds(request.duration));
  server.up = request.available;
  if (request.available) return;
  ++server.failures.at(request.reason ? request.reason->label() : request.outcome);
}

void LineMetrics::on(const engine::TestCallFinished& call) {
  ++record_.test_calls.at({call.invite_server, call.result});
  if (!call.invite_server) return;  // no server carried it: nothing was timed
  const std::string& server = name_of(*call.invite_server);
  if (call.setup_to_answer)
    distributions_.observe(Families::test_call_setup, line_.name, server, {},
                           seconds(*call.setup_to_answer));
  if (call.setup_to_first_18x)
    distributions_.observe(Families::test_call_post_dial_delay, line_.name, server, {},
                           seconds(*call.setup_to_first_18x));
}

void LineMetrics::on(const engine::ServerRegistration& holding) {
  record_.servers.at(holding.server).registered = holding.held;
}

void LineMetrics::set_registered_on(std::optional<size_t> server) {
  record_.registered = server.has_value();
  record_.active_server = server;
  record_.active_target.reset();  // Registered sets it again, with its server
}

void LineMetrics::switched() {
  record_.last_switch = wall_seconds_;
  ++record_.switches;
}

const std::string& LineMetrics::name_of(size_t server) const {
  return line_.servers.at(server).name;
}

}  // namespace sipsentry::metrics
