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
#include "engine/budget.h"
#include "engine/outcome.h"
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

/// What the probe found, as operators and scripts read it.
struct Finding {
  engine::Verdict verdict;
  std::string outcome;  // "2xx" … or a reason label
  int status = 0;
  std::string phrase;
  engine::Millis round_trip{};
  std::string address{};  // where a name was sent to; empty: not resolved by the adapter
};

Finding judge(const sip::RequestReport& report) {
  engine::Verdict verdict = engine::classify(report.outcome, {500, 503});
  return {verdict,
          engine::outcome_label(verdict, report.outcome.status),
          report.outcome.status,
          report.phrase,
          report.round_trip,
          report.address};
}

/// How the probe's target came from an RFC 3263 lookup (a name without a
/// port and without maddr): the record set and the target it chose.
struct SrvRoute {
  resolve::Resolution resolution;
  std::vector<resolve::ServiceTarget> targets{};  // in the order RFC 3263 tries them
};

/// No final answer within the budget: over TCP/TLS, with or without a connection.
Finding no_answer(bool stream, bool connected, engine::Millis waited) {
  engine::Reason reason{stream && !connected ? engine::Reason::Kind::kTcpTimeout
                                             : engine::Reason::Kind::kTimeout};
  return {{engine::Verdict::Kind::kUnavailable, reason}, reason.label(), 0, "no answer", waited};
}

bool local_error(const engine::Verdict& verdict) {
  return verdict.reason.kind == engine::Reason::Kind::kLocal;
}

int exit_code_of(const engine::Verdict& verdict) {
  if (verdict.kind == engine::Verdict::Kind::kSuccess) return kExitOk;
  if (local_error(verdict)) return kExitLocalError;
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

void print(const ProbeOptions& options, const sip::OutgoingRequest& request,
           const std::optional<SrvRoute>& route, const Finding& finding) {
  const char* method = engine::to_string(request.method);
  bool available = finding.verdict.kind != engine::Verdict::Kind::kUnavailable;
  if (options.format == "json") {
    nlohmann::json out = {{"uri", options.uri},
                          {"method", method},
                          {"transport", engine::to_string(request.target.transport)},
                          {"target", target_json(request.target, finding)},
                          {"resolved_by_srv", route.has_value()},
                          {"srv_targets", route ? route->targets.size() : 0},
                          {"available", available},
                          {"local_error", local_error(finding.verdict)},
                          {"outcome", finding.outcome},
                          {"status", finding.status},
                          {"phrase", finding.phrase},
                          {"rtt_seconds", finding.round_trip.count() / 1000.0}};
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << method << " " << options.uri << ": ";
  if (local_error(finding.verdict))
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
            << describe_sent_to(request.target, finding) << ", the first of "
            << route->targets.size() << (route->targets.size() == 1 ? " target" : " targets")
            << "\n";
}

/// The request's budget and its planned sends (RFC 3261's retransmissions
/// with the default T1/T2) inside it.
void set_budget(sip::OutgoingRequest& request, engine::Millis budget) {
  request.budget = budget;
  request.sends = engine::send_offsets(request.timers, request.budget, request.target.transport,
                                       request.method);
}

/// OPTIONS, or with --user a REGISTER that answers one digest challenge.
bool add_credentials(const ProbeOptions& options, sip::OutgoingRequest& request,
                     std::string& error) {
  if (options.user.empty()) return true;
  const char* password =
      options.password_env.empty() ? nullptr : std::getenv(options.password_env.c_str());
  if (!options.password_env.empty() && !password) {
    error = "--password-env: environment variable '" + options.password_env + "' is not set";
    return false;
  }
  request.method = engine::Method::kRegister;
  request.user = options.user;
  request.expires = engine::Millis(60'000);
  if (password) request.credentials = sip::Credentials{options.user, password};
  request.answer_challenge = true;
  return true;
}

std::optional<sip::OutgoingRequest> build_request(const ProbeOptions& options, std::string& error) {
  auto target = sip::parse_target(options.uri, error);
  if (!target) return std::nullopt;
  auto timeout = config::parse_duration(options.timeout);
  if (auto* message = std::get_if<std::string>(&timeout)) {
    error = "--timeout: " + *message;
    return std::nullopt;
  }
  sip::OutgoingRequest request{.target = *target, .domain = options.domain};
  request.tls = {!options.insecure, options.ca_file};
  if (!add_credentials(options, request, error)) return std::nullopt;
  // RFC 3261's retransmissions (default T1/T2) inside the timeout.
  set_budget(request, std::get<engine::Millis>(timeout));
  return request;
}

/// The server the URI names, for RFC 3263: nullopt unless it is resolved
/// by NAPTR and SRV (a name without a port, and no maddr).
std::optional<resolve::ServerName> srv_server(const std::string& uri) {
  std::string error;
  auto written = sip::parse_uri_server(uri, error);
  if (!written || written->maddr) return std::nullopt;
  resolve::ServerName server{.host = written->target.host};
  if (written->port_given) server.port = written->target.port;
  if (written->transport_given) server.transport = written->target.transport;
  if (!resolve::uses_service_records(server)) return std::nullopt;
  return server;
}

/// Resolves the URI's name by RFC 3263 within the first part of the budget
/// (at most the directory's lookup deadline, 9/10 of the budget), and aims
/// the request at the first target with what is left of its budget.
/// No target: the lookup failed or gave none, and `failure` says why.
SrvRoute route_by_srv(sip::SipAgent& agent, const resolve::ServerName& server,
                      sip::OutgoingRequest& request, Finding& failure) {
  engine::Millis started = agent.now();
  engine::Millis deadline = std::min(resolve::kLookupDeadline, request.budget * 9 / 10);
  SrvRoute route{resolve_now(agent, {server}, deadline).front()};
  engine::Millis spent = agent.now() - started;
  if (!route.resolution.failed)
    route.targets = resolve::targets_of(server, route.resolution, resolve::system_draw());
  if (route.targets.empty()) {
    std::string why = route.resolution.failed ? route.resolution.error
                                              : "its SRV records say the service is not available";
    failure = judge({.outcome = engine::Outcome::failure(engine::TransportError::kDns),
                     .phrase = "cannot resolve " + server.host + ": " + why,
                     .round_trip = spent});
    return route;
  }
  const resolve::ServiceTarget& first = route.targets.front();
  request.target = {first.host, first.port, first.transport};
  set_budget(request, std::max(request.budget - spent, engine::Millis(1)));
  return route;
}

/// Sends the request and waits for its final answer, or for the budget.
Finding probe(sip::SipAgent& agent, const sip::OutgoingRequest& request) {
  std::optional<Finding> finding;
  bool connected = false;
  agent.send(request, [&](const sip::RequestReport& report) {
    if (report.kind == sip::RequestReport::Kind::kConnected) connected = true;
    if (report.kind == sip::RequestReport::Kind::kFinal) finding = judge(report);
  });
  engine::Millis started = agent.now();
  bool expired = false;
  agent.start_timer(request.budget, [&expired] { expired = true; });
  agent.run_until([&] { return finding || expired; });
  if (finding) return *finding;
  bool stream = request.target.transport != engine::Transport::kUdp;
  return no_answer(stream, connected, agent.now() - started);
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
  std::optional<SrvRoute> route;
  if (auto server = srv_server(options.uri)) {
    Finding failure;
    route = route_by_srv(*agent, *server, *request, failure);
    if (route->targets.empty()) {
      print(options, *request, route, failure);
      return exit_code_of(failure.verdict);
    }
  }
  Finding finding = probe(*agent, *request);
  print(options, *request, route, finding);
  return exit_code_of(finding.verdict);
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
