#include "cli/probe_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/plan_printer.h"
#include "config/duration.h"
#include "engine/outcome.h"
#include "sip/sip_agent.h"

namespace sipsentry::cli {
namespace {

struct ProbeOptions {
  std::string uri;
  std::string user;
  std::string password_env;
  std::string domain;
  std::string timeout = "32s";
  std::string format = "text";
  std::string bind;  // empty: loopback for a loopback target, else any address
};

bool loopback(const std::string& host) {
  return host.starts_with("127.") || host == "[::1]" || host == "localhost";
}

/// What the probe found, as operators and scripts read it.
struct Finding {
  engine::Verdict verdict;
  std::string outcome;  // "2xx" … or a reason label
  int status = 0;
  std::string phrase;
};

Finding judge(const sip::RequestResult& result, engine::Transport transport) {
  if (result.timed_out) {
    bool no_connection = transport != engine::Transport::kUdp && !result.connected;
    engine::Reason reason{no_connection ? engine::Reason::Kind::kTcpTimeout
                                        : engine::Reason::Kind::kTimeout};
    return {{engine::Verdict::Kind::kUnavailable, reason}, reason.label(), 0, "no answer"};
  }
  engine::Verdict verdict = engine::classify(result.outcome, {500, 503});
  return {verdict, engine::outcome_label(verdict, result.outcome.status), result.outcome.status,
          result.phrase};
}

int exit_code_of(const engine::Verdict& verdict) {
  if (verdict.kind == engine::Verdict::Kind::kSuccess) return kExitOk;
  if (verdict.kind == engine::Verdict::Kind::kUnavailable) return kExitCritical;
  return kExitWarning;
}

void print(const ProbeOptions& options, const sip::OutgoingRequest& request, const Finding& finding,
           engine::Millis round_trip) {
  const char* method = engine::to_string(request.method);
  bool available = finding.verdict.kind != engine::Verdict::Kind::kUnavailable;
  if (options.format == "json") {
    nlohmann::json out = {{"uri", options.uri},
                          {"method", method},
                          {"transport", engine::to_string(request.target.transport)},
                          {"available", available},
                          {"outcome", finding.outcome},
                          {"status", finding.status},
                          {"phrase", finding.phrase},
                          {"rtt_seconds", round_trip.count() / 1000.0}};
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << method << " " << options.uri << ": ";
  if (!available)
    std::cout << "unavailable (" << finding.outcome << ")";
  else
    std::cout << finding.status << " " << finding.phrase;
  std::cout << " after " << format_duration(round_trip) << "\n";
}

std::optional<sip::OutgoingRequest> build_request(const ProbeOptions& options, std::string& error) {
  auto target = sip::parse_target(options.uri, error);
  if (!target) return std::nullopt;
  if (target->transport == engine::Transport::kTls) {
    error = "TLS probes are not supported yet";
    return std::nullopt;
  }
  auto timeout = config::parse_duration(options.timeout);
  if (auto* message = std::get_if<std::string>(&timeout)) {
    error = "--timeout: " + *message;
    return std::nullopt;
  }
  sip::OutgoingRequest request{.target = *target, .domain = options.domain};
  request.budget = std::get<engine::Millis>(timeout);
  if (options.user.empty()) return request;
  const char* password =
      options.password_env.empty() ? nullptr : std::getenv(options.password_env.c_str());
  if (!options.password_env.empty() && !password) {
    error = "--password-env: environment variable '" + options.password_env + "' is not set";
    return std::nullopt;
  }
  request.method = engine::Method::kRegister;
  request.user = options.user;
  request.expires = engine::Millis(60'000);
  if (password) request.credentials = sip::Credentials{options.user, password};
  request.answer_challenge = true;
  return request;
}

int run_probe(const ProbeOptions& options) {
  std::string error;
  auto request = build_request(options, error);
  if (!request) {
    std::cerr << "sipsentry probe: " << error << "\n";
    return kExitUsage;
  }
  std::string bind = options.bind;
  if (bind.empty()) bind = loopback(request->target.host) ? "127.0.0.1:0" : "0.0.0.0:0";
  auto agent = sip::SipAgent::create(bind, engine::Timers{}, error);
  if (!agent) {
    std::cerr << "sipsentry probe: " << error << "\n";
    return kExitUsage;
  }
  std::optional<sip::RequestResult> result;
  agent->send(*request, [&result](const sip::RequestResult& r) { result = r; });
  agent->run_until([&result] { return result.has_value(); });
  Finding finding = judge(*result, request->target.transport);
  print(options, *request, finding, result->round_trip);
  return exit_code_of(finding.verdict);
}

}  // namespace

void add_probe_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ProbeOptions>();
  CLI::App* probe = app.add_subcommand("probe", "Send one OPTIONS (or REGISTER) to one server");
  probe->add_option("uri", options->uri, "sip:HOST[:PORT][;transport=udp|tcp]")->required();
  probe->add_option("--user", options->user, "Send a REGISTER for this user instead of OPTIONS");
  probe->add_option("--password-env", options->password_env,
                    "Environment variable holding the password (never on the command line)");
  probe->add_option("--domain", options->domain, "From/To domain (default: the server's host)");
  probe->add_option("--timeout", options->timeout, "Give up after this long (default 32s, 64*T1)");
  probe->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  probe->add_option(
      "--bind", options->bind,
      "Local SIP address (default 127.0.0.1:0 for a loopback target, else 0.0.0.0:0)");
  probe->callback([options, &exit_code] { exit_code = run_probe(*options); });
}

}  // namespace sipsentry::cli
