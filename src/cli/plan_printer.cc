#include "cli/plan_printer.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <variant>

#include "cli/server_text.h"
#include "engine/budget.h"

namespace sipsentry::cli {
namespace {

using engine::Millis;
using namespace std::chrono_literals;

std::string server_label(const engine::LineSettings& line, size_t index) {
  return line.servers.at(index).name;
}

/// The server's name, and the SRV target the request or event went to.
std::string server_label(const engine::LineSettings& line, size_t index,
                         const std::optional<engine::Target>& target) {
  std::string label = server_label(line, index);
  return target ? label + " [" + target->describe() + "]" : label;
}

bool listed(const engine::SendRequest& request) {
  return request.purpose != engine::Purpose::kKeepalive &&
         request.purpose != engine::Purpose::kObserve;
}

/// `concurrent`: a line's REGISTER that is no renewal is one server's own
/// attempt, not a step of a walk through the list.
std::string describe_send(const engine::WireSend& send, bool concurrent) {
  engine::Purpose purpose = send.request.purpose;
  bool call = purpose == engine::Purpose::kInvite || purpose == engine::Purpose::kAck ||
              purpose == engine::Purpose::kBye || purpose == engine::Purpose::kCancel;
  std::string what = call ? "test call" : engine::to_string(purpose);
  if (concurrent && purpose == engine::Purpose::kWalk) what = "registration attempt";
  std::replace(what.begin(), what.end(), '_', ' ');
  if (send.attempt > 0) what += ", retransmission " + std::to_string(send.attempt);
  if (send.request.authorize) what += ", with credentials";
  if (send.request.expires && *send.request.expires == 0ms) what += ", Expires: 0";
  return what;
}

/// Events worth a line: OPTIONS results and state changes are implied by
/// the lines around them.
bool shown(const engine::Event& event) {
  if (auto* finished = std::get_if<engine::RequestFinished>(&event.what))
    return finished->method != engine::Method::kOptions;
  return !std::holds_alternative<engine::StateChanged>(event.what);
}

struct EventPrinter {
  const engine::LineSettings& line;

  std::string operator()(const engine::RequestFinished& finished) const {
    std::string who = server_label(line, finished.server, finished.target);
    if (finished.available)
      return who + " answered " + std::to_string(finished.status) + " after " +
             format_duration(finished.duration);
    return who + " unavailable: " + finished.outcome + " after " +
           format_duration(finished.duration);
  }
  std::string operator()(const engine::Registered& registered) const {
    return std::string(registered.refresh ? "registration renewed on " : "registered on ") +
           server_label(line, registered.server, registered.target) + ", expires in " +
           format_duration(registered.expires);
  }
  std::string operator()(const engine::ServerRegistration& holding) const {
    std::string who = server_label(line, holding.server, holding.target);
    if (holding.held) return who + " holds a registration";
    return who + " lost its registration (" + (holding.reason ? holding.reason->label() : "") +
           "); it registers again on its own";
  }
  std::string operator()(const engine::Failover& failover) const {
    return "FAILOVER " + server_label(line, failover.from, failover.from_target) + " -> " +
           server_label(line, failover.to, failover.to_target) + " (" +
           engine::to_string(failover.method) + ", " + failover.reason.label() + ", detected in " +
           format_duration(failover.detection) + ")";
  }
  std::string operator()(const engine::Failback& failback) const {
    return "FAILBACK " + server_label(line, failback.from, failback.from_target) + " -> " +
           server_label(line, failback.to, failback.to_target);
  }
  std::string operator()(const engine::FailbackProbe& probe) const {
    std::string text = std::string("failback probe ") + engine::to_string(probe.result);
    if (probe.reason) text += " (" + probe.reason->label() + ")";
    if (probe.result == engine::FailbackProbe::Result::kSuccess) return text;
    using Mode = engine::FailbackSettings::Mode;
    switch (line.failback.mode) {
      case Mode::kTimer:
        return text + "; next probe in " + format_duration(line.failback.interval);
      case Mode::kRegistration:
      case Mode::kNewRequests:
        return text + "; the refresh goes to the backup, the next probe at the next refresh";
      case Mode::kDnsTtl:
        return text + "; next probe when the primary's SRV records expire (without: in " +
               format_duration(line.failback.interval) + ")";
    }
    return text;
  }
  std::string operator()(const engine::RegisterFailure& failure) const {
    bool concurrent = line.redundancy == engine::Redundancy::kConcurrent;
    std::string text =
        "FAILOVER FAILED: every server unavailable (last: " + failure.last_reason.label() +
        (concurrent ? "); each retries on its own, the first in " : "); walk again in ");
    if (line.register_retry.mode == engine::RegisterRetry::Mode::kFixed)
      return text + format_duration(failure.retry_in);
    // The plan's engine draws the longest wait; a line draws within half of it.
    return text + format_duration(failure.retry_in / 2) + " to " +
           format_duration(failure.retry_in) + " (RFC 5626 back-off, drawn at random)";
  }
  std::string operator()(const engine::StateChanged& changed) const {
    return std::string("state ") + engine::to_string(changed.to);
  }
  std::string operator()(const engine::TestCallFinished& call) const {
    std::string text = "test call " + call.result;
    if (call.cancelled) text += " (cancelled at the ring timeout)";
    std::vector<std::string> details;
    if (call.invite_server)
      details.push_back("INVITE via " + server_label(line, *call.invite_server));
    if (call.bye_server) details.push_back("BYE via " + server_label(line, *call.bye_server));
    if (call.setup_to_first_18x)
      details.push_back("18x after " + format_duration(*call.setup_to_first_18x));
    if (call.setup_to_answer)
      details.push_back("answered after " + format_duration(*call.setup_to_answer));
    for (size_t i = 0; i < details.size(); ++i) text += (i == 0 ? ": " : ", ") + details[i];
    return text;
  }
};

/// The test call's schedule and the INVITE's budgets (spec.md §3, §6).
void print_test_call(std::ostream& out, const engine::LineSettings& line) {
  const engine::TestCallSettings& call = *line.test_call;
  auto budget = [&line](size_t i, engine::BudgetKind kind) {
    return format_duration(
        engine::request_budget(line.timers, line.retry_for(i), kind, engine::Method::kInvite));
  };
  out << "  test call to " << call.target << " every " << format_duration(call.interval)
      << ": hold " << format_duration(call.duration) << ", CANCEL after "
      << format_duration(call.ring_timeout) << " of ringing; INVITE budget ";
  // One budget for every non-last server, unless a server has its own retry.
  bool own_retry =
      std::ranges::any_of(line.servers, [](const auto& s) { return s.retry.has_value(); });
  size_t non_last = line.servers.size() - 1;
  for (size_t i = 0; i < (own_retry ? non_last : std::min<size_t>(non_last, 1)); ++i)
    out << budget(i, engine::BudgetKind::kNonLast)
        << (own_retry ? " on " + line.servers[i].name : std::string()) << ", ";
  out << budget(non_last, engine::BudgetKind::kFull)
      << " on the last server (until the first 1xx)\n";
}

void print_header(std::ostream& out, const engine::LineSettings& line, engine::Scenario scenario,
                  const std::vector<resolve::ServerName>& as_written) {
  out << "line " << line.name << ", scenario " << engine::to_string(scenario) << ": "
      << engine::describe(scenario) << "\n";
  for (size_t i = 0; i < line.servers.size(); ++i) {
    const engine::Server& server = line.servers[i];
    auto kind = engine::budget_kind_for(i, line.servers.size());
    Millis budget =
        engine::request_budget(line.timers, line.retry_for(i), kind, engine::Method::kRegister);
    const resolve::ServerName* written = i < as_written.size() ? &as_written[i] : nullptr;
    out << "  " << (i == 0 ? "primary " : "backup  ") << server.name << " "
        << describe_server(server, written) << ", REGISTER budget " << format_duration(budget)
        << "\n";
  }
  bool concurrent = line.redundancy == engine::Redundancy::kConcurrent;
  if (concurrent)
    out << "  redundancy concurrent: every server holds its own registration (own Call-ID, "
           "refresh, keep-alive, retry); test calls go through the first server that holds "
           "one; no failback probes\n";
  if (line.keepalive_interval > 0ms)
    out << "  keep-alive OPTIONS every " << format_duration(line.keepalive_interval)
        << (concurrent ? " to every server holding a registration" : " to the current server")
        << " (not listed)\n";
  if (line.observe_interval > 0ms)
    out << "  observation OPTIONS every " << format_duration(line.observe_interval)
        << (concurrent ? " to the servers not holding a registration" : " to the other servers")
        << " (not listed)\n";
  if (line.test_call) print_test_call(out, line);
}

}  // namespace

std::string format_offset(Millis offset) {
  long long ms = offset.count();
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld.%03lld", ms / 3600000, ms / 60000 % 60,
                ms / 1000 % 60, ms % 1000);
  return text;
}

std::string format_duration(Millis duration) {
  long long ms = duration.count();
  if (ms == 0) return "0s";
  if (ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::string text = std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
  while (text.back() == '0') text.pop_back();
  return text + "s";
}

void print_plan(std::ostream& out, const engine::LineSettings& line, engine::Scenario scenario,
                const engine::ScenarioRun& run,
                const std::vector<resolve::ServerName>& as_written) {
  print_header(out, line, scenario, as_written);
  for (const engine::JournalEntry& entry : run.journal) {
    if (auto* send = std::get_if<engine::WireSend>(&entry)) {
      if (!listed(send->request)) continue;
      out << "  " << format_offset(send->at) << "  " << engine::to_string(send->request.method)
          << " -> " << server_label(line, send->request.server, send->request.target) << " ("
          << describe_send(*send, line.redundancy == engine::Redundancy::kConcurrent) << ")\n";
      continue;
    }
    const engine::Event& event = std::get<engine::Event>(entry);
    if (!shown(event)) continue;
    out << "  " << format_offset(event.at) << "  " << std::visit(EventPrinter{line}, event.what)
        << "\n";
  }
  out << "  " << format_offset(run.horizon) << "  (end of plan)\n";
}

}  // namespace sipsentry::cli
