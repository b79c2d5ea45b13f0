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

// For the test call of a line that held no registration, so no server
// carried its INVITE.
constexpr const char* kNoServer = "none";

}  // namespace

LineMetrics::LineMetrics(Families& families, LineSeries& series, const engine::LineSettings& line)
    : families_(families), series_(series), line_(line) {}

void LineMetrics::create() {
  set_state(LineState::kRegistering);
  set_registered_on(std::nullopt);
  series(families_.register_failures, {});
  series(families_.switches, {});
  // Counters whose labels are known now start at 0, so that increase() sees
  // their first event; those labelled by reasons appear when one happens.
  if (line_.servers.size() > 1)
    series(families_.failover_detection, {}, Buckets::failover_detection());
  if (failback_possible()) {
    for (size_t backup = 1; backup < line_.servers.size(); ++backup)
      series(families_.failbacks, {{"from", name_of(backup)}, {"to", name_of(0)}});
    for (auto result :
         {engine::FailbackProbe::Result::kSuccess, engine::FailbackProbe::Result::kUnavailable,
          engine::FailbackProbe::Result::kRejected})
      series(families_.failback_probes, {{"result", engine::to_string(result)}});
  }
  if (line_.test_call) {
    series(families_.test_call_setup, {}, Buckets::test_call_setup());
    series(families_.test_call_post_dial_delay, {}, Buckets::test_call_setup());
  }
}

void LineMetrics::record(const engine::Event& event, double wall_seconds) {
  wall_seconds_ = wall_seconds;
  std::visit([this](const auto& what) { on(what); }, event.what);
}

void LineMetrics::on(const engine::StateChanged& changed) {
  set_state(changed.to);
  if (changed.to == LineState::kRegistered)
    series(families_.line_registered, {}).Set(1);  // the Registered event names the server
  else
    set_registered_on(std::nullopt);  // every other state means the engine left its registration
}

void LineMetrics::on(const engine::Registered& registered) {
  set_registered_on(registered.server);
  series(families_.registration_expiry, {}).Set(wall_seconds_ + seconds(registered.expires));
}

void LineMetrics::on(const engine::Failover& failover) {
  series(families_.failovers, {{"from", name_of(failover.from)},
                               {"to", name_of(failover.to)},
                               {"method", engine::to_string(failover.method)},
                               {"reason", failover.reason.label()}})
      .Increment();
  series(families_.failover_detection, {}, Buckets::failover_detection())
      .Observe(seconds(failover.detection));
  switched();
}

void LineMetrics::on(const engine::Failback& failback) {
  series(families_.failbacks, {{"from", name_of(failback.from)}, {"to", name_of(failback.to)}})
      .Increment();
  switched();
}

void LineMetrics::on(const engine::FailbackProbe& probe) {
  series(families_.failback_probes, {{"result", engine::to_string(probe.result)}}).Increment();
}

void LineMetrics::on(const engine::RegisterFailure&) {
  series(families_.register_failures, {}).Increment();
  set_registered_on(std::nullopt);
}

void LineMetrics::on(const engine::RequestFinished& request) {
  prometheus::Labels server = server_labels(request.server);
  const char* method = engine::to_string(request.method);
  series(families_.requests,
         {{"server", server.at("server")}, {"method", method}, {"outcome", request.outcome}})
      .Increment();
  // Timeouts and transport errors have no response: their duration is the
  // budget or a local error, not a server's latency.
  if (request.status != 0)
    series(families_.request_duration, {{"server", server.at("server")}, {"method", method}},
           Buckets::request_duration())
        .Observe(seconds(request.duration));
  series(families_.server_up, server).Set(request.available ? 1 : 0);
  if (request.available) return;
  std::string reason = request.reason ? request.reason->label() : request.outcome;
  series(families_.server_failures, {{"server", server.at("server")}, {"reason", reason}})
      .Increment();
}

void LineMetrics::on(const engine::TestCallFinished& call) {
  std::string server = call.invite_server ? name_of(*call.invite_server) : kNoServer;
  series(families_.test_calls, {{"server", server}, {"result", call.result}}).Increment();
  if (call.setup_to_answer)
    series(families_.test_call_setup, {}, Buckets::test_call_setup())
        .Observe(seconds(*call.setup_to_answer));
  if (call.setup_to_first_18x)
    series(families_.test_call_post_dial_delay, {}, Buckets::test_call_setup())
        .Observe(seconds(*call.setup_to_first_18x));
}

void LineMetrics::set_state(LineState state) {
  for (LineState each : engine::kAllLineStates)
    series(families_.line_state, {{"state", engine::to_string(each)}}).Set(each == state ? 1 : 0);
}

void LineMetrics::set_registered_on(std::optional<size_t> server) {
  series(families_.line_registered, {}).Set(server ? 1 : 0);
  for (size_t each = 0; each < line_.servers.size(); ++each)
    series(families_.line_active_server, server_labels(each)).Set(server == each ? 1 : 0);
}

void LineMetrics::switched() {
  series(families_.last_switch, {}).Set(wall_seconds_);
  series(families_.switches, {}).Increment();
}

const std::string& LineMetrics::name_of(size_t server) const {
  return line_.servers.at(server).name;
}

prometheus::Labels LineMetrics::server_labels(size_t server) const {
  return {{"server", name_of(server)}, {"role", server == 0 ? "primary" : "backup"}};
}

bool LineMetrics::failback_possible() const {
  return line_.failback.enabled && line_.servers.size() > 1;
}

}  // namespace sipsentry::metrics
