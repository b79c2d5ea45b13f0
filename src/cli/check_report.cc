#include "cli/check_report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "cli/line_json.h"
#include "cli/plan_printer.h"

namespace sipsentry::cli {
namespace {

using engine::Millis;

std::string upper(CheckStatus status) {
  std::string text = to_string(status);
  std::ranges::transform(text, text.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

/// "0.002": seconds with millisecond precision, as perfdata and JSON read them.
std::string seconds(Millis duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", duration.count() / 1000.0);
  return text;
}

/// "timeout", "status_503", "rejected 403".
std::string reason_text(const engine::Reason& reason) {
  std::string text = reason.label();
  bool refused = reason.kind == engine::Reason::Kind::kRejected ||
                 reason.kind == engine::Reason::Kind::kAuthFailed;
  if (refused && reason.status != 0) text += " " + std::to_string(reason.status);
  return text;
}

/// What the last request found: "200", "403 (rejected)", "503", "icmp", "no result".
std::string server_outcome(const ServerResult& server) {
  if (!server.probed) return "no result";
  if (server.status == 0) return server.reason ? server.reason->label() : "no answer";
  std::string text = std::to_string(server.status);
  if (server.up && server.reason) text += " (" + server.reason->label() + ")";
  return text;
}

/// "pbx1.example.com:5060 udp": an SRV target as the check names it.
std::string target_text(const engine::Target& target) {
  return target.uri_host() + ":" + std::to_string(target.port) + " " +
         engine::to_string(target.transport);
}

/// "pbx (pbx1.example.com:5060 udp)": a configured server's name, with the
/// SRV target a request went to when there is one.
std::string with_target(const std::string& name, const std::optional<engine::Target>& target) {
  return target ? name + " (" + target_text(*target) + ")" : name;
}

/// "up: OPTIONS 200 in 2ms", "down: REGISTER icmp after 0s"; a concurrent
/// line's server adds whether it holds a registration.
std::string describe_server(const ServerResult& server) {
  std::string holding;
  if (server.holds_registration)
    holding = *server.holds_registration ? "; holds a registration" : "; no registration";
  if (!server.probed) return "down: no result before the check timed out" + holding;
  return std::string(server.up ? "up: " : "down: ") + engine::to_string(server.method) + " " +
         server_outcome(server) + (server.rtt() ? " in " : " after ") +
         format_duration(server.duration) + holding;
}

/// "expires 2026-12-06 14:03:00Z (in 3 days)", "expired … (2 days ago)",
/// "not valid before …", as of the reading.
std::string certificate_dates(const tls::CertificateReading& reading) {
  const tls::ChainDates& dates = *reading.dates;
  if (reading.state() == tls::CertificateState::kNotYetValid)
    return "not valid before " + tls::utc_text(dates.latest_not_before);
  bool expired = reading.state() == tls::CertificateState::kExpired;
  return std::string(expired ? "expired " : "expires ") + tls::utc_text(dates.earliest_not_after) +
         " (" + tls::expiry_in_words(dates, reading.read_at) + ")";
}

/// "; certificate expires … (in 3 days)" for a TLS server whose chain was
/// read, "; certificate not read (connect: Connection refused)" for one
/// whose handshake failed, "" for the others.
std::string describe_certificate(const ServerResult& server) {
  if (!server.certificate) return "";
  const tls::CertificateReading& reading = *server.certificate;
  if (!reading.dates) return "; certificate not read (" + reading.error + ")";
  return "; certificate " + certificate_dates(reading);
}

/// "; certificate of pbx-a expires … (in 3 days)" for each server whose
/// certificate makes the line a warning or critical.
std::string certificate_problems(const LineResult& line) {
  std::string text;
  for (const ServerResult& server : line.servers)
    if (certificate_status(server) != CheckStatus::kOk)
      text +=
          "; certificate of " + server.server.name + " " + certificate_dates(*server.certificate);
  return text;
}

std::string describe_state(const LineResult& line) {
  using engine::LineState;
  if (line.state == LineState::kRegistered && line.registered_server) {
    const ServerResult& on = line.servers.at(*line.registered_server);
    std::string text = std::string("registered on ") + role_of(on) + " " + on.server.name;
    if (!line.registered_target) return text;
    // On the primary's second target the line is on a backup, as a phone is.
    return text + " (" + target_text(*line.registered_target) +
           (line.off_primary_target ? ", not its first SRV target)" : ")");
  }
  std::string text = "not registered: ";
  switch (line.state) {
    case LineState::kUnregistered:
      text += "every server unavailable";
      break;
    case LineState::kRejected:
      text += "refused";
      break;
    case LineState::kAuthFailed:
      text += "authentication failed";
      break;
    default:
      text += "still registering";
  }
  if (line.state_reason) text += " (" + reason_text(*line.state_reason) + ")";
  return text;
}

/// "primary pbx-a": a server of the line by its index.
std::string server_named(const LineResult& line, size_t index) {
  const ServerResult& server = line.servers.at(index);
  return std::string(role_of(server)) + " " + server.server.name;
}

/// What counts as success: "answered", or the expected status.
std::string expected_text(const CallResult& call) {
  if (call.expected_status && *call.expected_status / 100 != 2)
    return std::to_string(*call.expected_status);
  return "answered";
}

/// " (BYE from pbx-a to pbx-b, icmp)": the call's failovers, if any.
std::string call_failovers(const LineResult& line, const CallResult& call) {
  std::string text;
  for (const engine::Failover& failover : call.failovers)
    text += (text.empty() ? " (" : "; ") + std::string(engine::to_string(failover.method)) +
            " from " +
            with_target(line.servers.at(failover.from).server.name, failover.from_target) + " to " +
            with_target(line.servers.at(failover.to).server.name, failover.to_target) + ", " +
            failover.reason.label();
  return text.empty() ? text : text + ")";
}

/// "answered", "487 (expected answered), cancelled by the ring timeout",
/// "answered, failed over (BYE from pbx-a to pbx-b, icmp)", "not over".
std::string call_outcome(const LineResult& line, const CallResult& call) {
  switch (call.kind) {
    case CallResult::Kind::kNotConfigured:
      return "none, no test_call configured";
    case CallResult::Kind::kNotPlaced:
      return line.state == engine::LineState::kRegistered
                 ? "not placed, the check timed out first"
                 : "not placed, the line is not registered";
    case CallResult::Kind::kPending:
      return "not over";
    case CallResult::Kind::kFinished:
      break;
  }
  std::string text = call.finished.result;
  if (!call.as_expected()) text += " (expected " + expected_text(call) + ")";
  if (call.finished.cancelled) text += ", cancelled by the ring timeout";
  if (call.failed_over()) text += ", failed over" + call_failovers(line, call);
  return text;
}

/// The call's part of the line's verdict, when it has one: a call that
/// failed, failed over, or was not placed on a registered line.
bool call_matters(const LineResult& line) {
  if (!line.call || line.call->kind == CallResult::Kind::kNotConfigured) return false;
  if (line.call->kind == CallResult::Kind::kNotPlaced)
    return line.state == engine::LineState::kRegistered;
  return !line.call->as_expected() || line.call->failed_over();
}

/// "registered on backup pbx-b; failover from pbx-a (REGISTER, icmp, detected in 0s)";
/// with SRV "failover from pbx (pbx1.example.com:5060 udp; REGISTER, …)".
std::string describe_line(const LineResult& line) {
  std::string text = describe_state(line);
  if (const auto& failover = line.failover) {
    std::string target = failover->from_target ? target_text(*failover->from_target) + "; " : "";
    text += "; failover from " + line.servers.at(failover->from).server.name + " (" + target +
            engine::to_string(failover->method) + ", " + failover->reason.label() +
            ", detected in " + format_duration(failover->detection) + ")";
  }
  if (call_matters(line)) text += "; test call " + call_outcome(line, *line.call);
  text += certificate_problems(line);
  if (line.timed_out) text += "; the check timed out";
  return text;
}

/// "test call sip:*43@pbx: answered; INVITE through primary pbx-a, BYE
/// through primary pbx-a; post-dial delay 2ms, setup 306ms".
std::string describe_call(const LineResult& line, const CallResult& call) {
  std::string text = "test call";
  if (!call.target.empty()) text += " " + call.target;
  text += ": " + call_outcome(line, call);
  if (call.kind != CallResult::Kind::kFinished) return text;
  const engine::TestCallFinished& finished = call.finished;
  if (finished.invite_server)
    text += "; INVITE through " + server_named(line, *finished.invite_server);
  if (finished.bye_server)
    text += ", BYE through " + server_named(line, *finished.bye_server);
  else if (finished.setup_to_answer)
    text += ", BYE through none";
  std::string times;
  if (finished.setup_to_first_18x)
    times += "post-dial delay " + format_duration(*finished.setup_to_first_18x);
  if (finished.setup_to_answer)
    times += (times.empty() ? "" : ", ") + ("setup " + format_duration(*finished.setup_to_answer));
  return times.empty() ? text : text + "; " + times;
}

/// How many lines were to call, and how many calls ended as expected.
std::pair<size_t, size_t> call_counts(const CheckReport& report) {
  size_t calls = 0, expected = 0;
  for (const LineResult& line : report.lines) {
    if (!line.call || line.call->kind == CallResult::Kind::kNotConfigured) continue;
    ++calls;
    expected += line.call->as_expected() ? 1 : 0;
  }
  return {calls, expected};
}

std::string address_of(const engine::Server& server) {
  return std::string(engine::to_string(server.transport)) + " " + server.uri_host() + ":" +
         std::to_string(server.port);
}

/// Nagios reads `|` as the start of perfdata, and `'` and `=` inside a
/// label as its end: `forbidden` characters of names become `_`.
std::string nagios_safe(std::string text, std::string_view forbidden = "|") {
  std::ranges::replace_if(
      text, [forbidden](char c) { return forbidden.find(c) != std::string_view::npos; }, '_');
  return text;
}

}  // namespace

void print_report(std::ostream& out, ReportFormat format, const CheckReport& report) {
  switch (format) {
    case ReportFormat::kText:
      return print_text(out, report);
    case ReportFormat::kJson:
      return print_json(out, report);
    case ReportFormat::kNagios:
      return print_nagios(out, report);
  }
}

void print_text(std::ostream& out, const CheckReport& report) {
  if (report.error) {
    out << "UNKNOWN: " << *report.error << "\n";
    return;
  }
  size_t counts[3] = {}, servers = 0, up = 0;
  for (const LineResult& line : report.lines) {
    CheckStatus status = line_status(line);
    ++counts[static_cast<int>(status)];
    out << line.name << ": " << upper(status) << ", " << describe_line(line) << "\n";
    for (const ServerResult& server : line.servers) {
      out << "  " << role_of(server) << " " << server.server.name << " "
          << address_of(server.server);
      if (server.target) out << " (" << target_text(*server.target) << ")";
      out << ": " << describe_server(server) << describe_certificate(server) << "\n";
      ++servers;
      up += server.up ? 1 : 0;
    }
    if (line.call) out << "  " << describe_call(line, *line.call) << "\n";
  }
  out << upper(report.status()) << ": " << report.lines.size() << " line(s): " << counts[0]
      << " ok, " << counts[1] << " warning, " << counts[2] << " critical; " << servers
      << " server(s): " << up << " up, " << servers - up << " down; ";
  if (auto [calls, expected] = call_counts(report); calls > 0)
    out << calls << " test call(s): " << expected << " as expected; ";
  out << "checked in " << format_duration(report.elapsed) << "\n";
}

void print_json(std::ostream& out, const CheckReport& report) {
  CheckStatus status = report.status();
  nlohmann::json doc = {{"schema", 1},
                        {"status", to_string(status)},
                        {"exit_code", exit_code_of(status)},
                        {"error", nullptr},
                        {"elapsed_seconds", report.elapsed.count() / 1000.0},
                        {"timeout_seconds", report.timeout.count() / 1000.0},
                        {"lines", nlohmann::json::array()}};
  if (report.error) doc["error"] = *report.error;
  for (const LineResult& line : report.lines) doc["lines"].push_back(line_json(line));
  out << doc.dump(2) << "\n";
}

namespace {

/// The problems, for the status line: "desk: registered on backup …; desk/pbx-a down (icmp)".
std::string nagios_summary(const CheckReport& report) {
  std::string problems;
  auto add = [&problems](const std::string& text) {
    problems += (problems.empty() ? "" : "; ") + text;
  };
  size_t servers = 0;
  for (const LineResult& line : report.lines) {
    if (line_status(line) != CheckStatus::kOk) add(line.name + ": " + describe_line(line));
    for (const ServerResult& server : line.servers) {
      ++servers;
      if (!server.up)
        add(line.name + "/" + with_target(server.server.name, server.target) + " down (" +
            server_outcome(server) + ")");
    }
  }
  if (!problems.empty()) return problems;
  std::string summary = std::to_string(report.lines.size()) +
                        " line(s) registered on their primary, " + std::to_string(servers) +
                        " server(s) up";
  if (auto [calls, expected] = call_counts(report); calls > 0)
    summary += ", " + std::to_string(expected) + " test call(s) as expected";
  return summary;
}

/// "2.98;14:;0:": days to a certificate's earliest notAfter (negative once
/// expired), warning below the line's tls.expiry_warning, critical below 0.
std::string certificate_days(const tls::CertificateReading& reading) {
  char text[64];
  double warning = std::chrono::duration<double, std::ratio<86400>>(reading.warning).count();
  std::snprintf(text, sizeof text, "%.2f;%g:;0:", tls::days_left(*reading.dates, reading.read_at),
                warning);
  return text;
}

/// `'desk/pbx-a rtt'=0.002s;;;0` per server (`U` when no answer came back),
/// `'desk/pbx-a cert_days'=2.98;14:;0:` per TLS server whose certificate was
/// read, `'desk detection'=7.500s;;;0` per line that failed over,
/// `'desk call_setup'` and `'desk post_dial_delay'` per test call that got that far.
std::string nagios_perfdata(const CheckReport& report) {
  std::string perf;
  auto quoted = [](const std::string& label) { return "'" + nagios_safe(label, "|'=") + "'="; };
  auto add = [&perf, &quoted](const std::string& label, const std::string& value) {
    perf += (perf.empty() ? "" : " ") + quoted(label) + value + ";;;0";
  };
  for (const LineResult& line : report.lines) {
    for (const ServerResult& server : line.servers) {
      std::string name = line.name + "/" + server.server.name;
      auto rtt = server.rtt();
      add(name + " rtt", rtt ? seconds(*rtt) + "s" : "U");
      if (server.certificate && server.certificate->dates)
        perf += " " + quoted(name + " cert_days") + certificate_days(*server.certificate);
    }
    if (line.failover) add(line.name + " detection", seconds(line.failover->detection) + "s");
    if (!line.call || line.call->kind != CallResult::Kind::kFinished) continue;
    const engine::TestCallFinished& call = line.call->finished;
    if (call.setup_to_answer) add(line.name + " call_setup", seconds(*call.setup_to_answer) + "s");
    if (call.setup_to_first_18x)
      add(line.name + " post_dial_delay", seconds(*call.setup_to_first_18x) + "s");
  }
  return perf;
}

}  // namespace

void print_nagios(std::ostream& out, const CheckReport& report) {
  out << "SIPSENTRY " << upper(report.status()) << " - ";
  if (report.error) {
    out << nagios_safe(*report.error) << "\n";
    return;
  }
  out << nagios_safe(nagios_summary(report)) << " | " << nagios_perfdata(report) << "\n";
}

}  // namespace sipsentry::cli
