#include "engine/scenario.h"

#include "engine/register_retry.h"

namespace sipsentry::engine {
namespace {

std::optional<Outcome> primary_outcome(Scenario scenario, const Server& primary) {
  switch (scenario) {
    case Scenario::kPrimary503:
      return Outcome::response(503);
    case Scenario::kPrimaryIcmp:
      return Outcome::failure(primary.transport == Transport::kUdp ? TransportError::kIcmp
                                                                   : TransportError::kTcpRefused);
    case Scenario::kPrimarySilent:
    case Scenario::kAllSilent:
      return std::nullopt;
  }
  return std::nullopt;
}

VirtualDriver::Responder responder_for(Scenario scenario, const Server& primary) {
  std::optional<Outcome> from_primary = primary_outcome(scenario, primary);
  return [=](const SendRequest& request, Millis) -> std::optional<VirtualDriver::Reply> {
    if (scenario == Scenario::kAllSilent) return std::nullopt;
    if (request.server != 0) return VirtualDriver::Reply{0ms, Outcome::response(200)};
    if (!from_primary) return std::nullopt;
    return VirtualDriver::Reply{0ms, *from_primary};
  };
}

/// The time one full register walk can take when no server answers.
Millis silent_walk(const LineSettings& settings) {
  Millis total = 0ms;
  for (size_t i = 0; i < settings.servers.size(); ++i)
    total +=
        plan_request(settings, i, Method::kRegister, budget_kind_for(i, settings.servers.size()))
            .budget;
  return total;
}

Millis horizon_for(const LineSettings& settings, Scenario scenario) {
  Millis walk = silent_walk(settings);
  if (scenario == Scenario::kAllSilent || settings.servers.size() < 2)
    return 2 * walk + register_retry_bounds(settings, 1).longest;
  if (!settings.failback.enabled) return walk + 1min;
  // Past the second failback probe's first send, when the first one failed.
  return walk + 2 * settings.failback.interval + settings.timers.t1 * 64;
}

}  // namespace

const char* to_string(Scenario scenario) {
  switch (scenario) {
    case Scenario::kPrimarySilent:
      return "primary-silent";
    case Scenario::kPrimary503:
      return "primary-503";
    case Scenario::kPrimaryIcmp:
      return "primary-icmp";
    case Scenario::kAllSilent:
      return "all-silent";
  }
  return "?";
}

std::optional<Scenario> parse_scenario(std::string_view name) {
  for (Scenario scenario : kAllScenarios)
    if (name == to_string(scenario)) return scenario;
  return std::nullopt;
}

const char* describe(Scenario scenario) {
  switch (scenario) {
    case Scenario::kPrimarySilent:
      return "the primary never answers; every other server answers 200 OK at once";
    case Scenario::kPrimary503:
      return "the primary answers 503; every other server answers 200 OK at once";
    case Scenario::kPrimaryIcmp:
      return "the primary's port is closed (ICMP unreachable over UDP, connection refused over "
             "TCP/TLS); every other server answers 200 OK at once";
    case Scenario::kAllSilent:
      return "no server answers";
  }
  return "";
}

ScenarioRun run_scenario(const LineSettings& settings, Scenario scenario) {
  VirtualDriver driver(settings, responder_for(scenario, settings.servers.at(0)));
  driver.start();
  Millis horizon = horizon_for(settings, scenario);
  driver.advance_to(horizon);
  return ScenarioRun{driver.journal(), horizon};
}

}  // namespace sipsentry::engine
