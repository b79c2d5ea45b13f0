#include "cli/probe_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/plan_printer.h"
#include "cli/resolve_now.h"
#include "cli/sip_log.h"
#include "config/duration.h"
#include "engine/outcome.h"
#include "probe/one_probe.h"
#include "sip/sip_agent.h"

namespace sipsentry::cli {
namespace {

struct ProbeOptions {
  std::string uri;
  std::string user;
  std::string password_env;
  std::string domain;
  std::string timeout = "32s";  // 64*T1 with the default T1: a last server's budget
  std::string format = "text";
  std::vector<std::string> bind;  // empty: loopback for a loopback target, else any address
  std::string ca_file;
  bool insecure = false;
  bool verbose = false;
};

/// Where the probe sends from when --bind is not given: the loopback of the
/// target's family for a loopback target, else any address of both families.
std::vector<std::string> default_bind(const std::string& host) {
  if (host.starts_with("127.") || host == "localhost") return {"127.0.0.1:0"};
  if (host == "[::1]") return {"[::1]:0"};
  return {"0.0.0.0:0", "[::]:0"};
}

using probe::Finding;
using probe::SrvRoute;

int exit_code_of(const engine::Verdict& verdict) {
  if (verdict.kind == engine::Verdict::Kind::kSuccess) return kExitOk;
  if (verdict.reason.kind == engine::Reason::Kind::kLocal) return kExitLocalError;
  if (verdict.kind == engine::Verdict::Kind::kUnavailable) return kExitCritical;
  return kExitWarning;
}

/// "pbx.example.com:5060 udp (address 192.0.2.10)": where the request went.
std::string describe_sent_to(const sip::Target& target, const Finding& finding) {
  std::string text = describe_target({target.host, target.port, target.transport});
  if (!finding.address.empty()) text += " (address " + finding.address + ")";
  return text;
}

nlohmann::json target_json(const sip::Target& target, const Finding& finding) {
  return {{"host", target.host},
          {"port", target.port},
          {"transport", engine::to_string(target.transport)},
          {"address", finding.address}};
}

void print(const ProbeOptions& options, engine::Method request_method,
           const probe::ProbeResult& result) {
  const char* method = engine::to_string(request_method);
  const Finding& finding = result.finding;
  const std::optional<SrvRoute>& route = result.route;
  bool available = finding.available();
  if (options.format == "json") {
    nlohmann::json out = {{"uri", options.uri},
                          {"method", method},
                          {"transport", engine::to_string(result.sent_to.transport)},
                          {"target", target_json(result.sent_to, finding)},
                          {"resolved_by_srv", route.has_value()},
                          {"srv_targets", route ? route->targets.size() : 0},
                          {"available", available},
                          {"local_error", finding.local_error()},
                          {"outcome", finding.outcome},
                          {"status", finding.status},
                          {"phrase", finding.phrase},
                          {"rtt_seconds", finding.round_trip.count() / 1000.0}};
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << method << " " << options.uri << ": ";
  if (finding.local_error())
    std::cout << "not sent, local error (" << finding.phrase << ")";
  else if (!available)
    std::cout << "unavailable (" << finding.outcome << ")";
  else
    std::cout << finding.status << " " << finding.phrase;
  std::cout << " after " << format_duration(finding.round_trip) << "\n";
  if (!route) return;
  if (route->targets.empty()) {
    std::cout << "  resolved by DNS SRV/NAPTR (RFC 3263): no target (" << finding.phrase << ")\n";
    return;
  }
  std::cout << "  resolved by DNS SRV/NAPTR (RFC 3263): sent to "
            << describe_sent_to(result.sent_to, finding) << ", the first of "
            << route->targets.size() << (route->targets.size() == 1 ? " target" : " targets")
            << "\n";
}

/// The probe's request, or nullopt with `error` (a bad URI, timeout or
/// password variable, in that order).
std::optional<sip::OutgoingRequest> build_request(const ProbeOptions& options, std::string& error) {
  if (!sip::parse_target(options.uri, error)) return std::nullopt;
  auto timeout = config::parse_duration(options.timeout);
  if (auto* message = std::get_if<std::string>(&timeout)) {
    error = "--timeout: " + *message;
    return std::nullopt;
  }
  probe::ProbeSpec spec{.uri = options.uri,
                        .user = options.user,
                        .domain = options.domain,
                        .timeout = std::get<engine::Millis>(timeout),
                        .tls = {!options.insecure, options.ca_file}};
  if (!options.user.empty() && !options.password_env.empty()) {
    const char* password = std::getenv(options.password_env.c_str());
    if (!password) {
      error = "--password-env: environment variable '" + options.password_env + "' is not set";
      return std::nullopt;
    }
    spec.password = password;
  }
  return probe::build_request(spec, error);
}

int run_probe(const ProbeOptions& options) {
  std::string error;
  auto request = build_request(options, error);
  if (!request) {
    std::cerr << "sipsentry probe: " << error << "\n";
    return kExitUsage;
  }
  sip::AgentOptions agent_options{.bind = options.bind,
                                  .log = stderr_sink("probe", options.verbose)};
  if (agent_options.bind.empty()) agent_options.bind = default_bind(request->target.host);
  auto agent = sip::SipAgent::create(agent_options, error);
  if (!agent) {
    std::cerr << "sipsentry probe: " << error << "\n";
    return kExitUsage;
  }
  std::optional<probe::ProbeResult> result;
  auto one = probe::OneProbe::start(*agent, options.uri, *request,
                                    [&result](const probe::ProbeResult& got) { result = got; });
  agent->run_until([&result] { return result.has_value(); });
  print(options, request->method, *result);
  return exit_code_of(result->finding.verdict);
}

}  // namespace

void add_probe_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ProbeOptions>();
  CLI::App* probe = app.add_subcommand("probe", "Send one OPTIONS (or REGISTER) to one server");
  probe->add_option("uri", options->uri, "sip:HOST[:PORT][;transport=udp|tcp|tls] or sips:HOST")
      ->required();
  probe->add_option("--user", options->user, "Send a REGISTER for this user instead of OPTIONS");
  probe->add_option("--password-env", options->password_env,
                    "Environment variable holding the password (never on the command line)");
  probe->add_option("--domain", options->domain, "From/To domain (default: the server's host)");
  probe->add_option("--timeout", options->timeout,
                    "Give up after this long (default 32s: 64*T1, a last server's budget)");
  probe->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  probe
      ->add_option("--bind", options->bind,
                   "Local SIP address, or one per family with a comma (default 127.0.0.1:0 or "
                   "[::1]:0 for a loopback target, else 0.0.0.0:0,[::]:0)")
      ->delimiter(',')
      ->type_name("HOST:PORT[,HOST:PORT]");
  probe->add_option("--ca-file", options->ca_file,
                    "TLS: trust the CAs in this PEM file (default: the system CA store)");
  probe->add_flag("--insecure", options->insecure,
                  "TLS: do not verify the server's certificate (logs a warning)");
  probe->add_flag("-v,--verbose", options->verbose, "Print Sofia-SIP's own diagnostics to stderr");
  probe->callback([options, &exit_code] { exit_code = run_probe(*options); });
}

}  // namespace sipsentry::cli
