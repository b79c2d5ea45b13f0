#include "probe/probe_answer.h"

#include <cstdio>

namespace sipsentry::probe {
namespace {

/// Seconds to the microsecond (the scrape's duration, from a steady clock).
std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", value);
  return text;
}

/// Seconds to the millisecond, the resolution of the engine's times.
std::string seconds(engine::Millis duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

void gauge(std::string& out, const char* name, const char* help, const std::string& value,
           const std::string& labels = "") {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
         labels + " " + value + "\n";
}

bool succeeded(const ProbeReport& report) {
  return report.result && report.result->finding.verdict.kind == engine::Verdict::Kind::kSuccess;
}

/// Why the server was unavailable (spec.md §2's reason label), or nothing.
std::optional<std::string> unavailable_reason(const ProbeReport& report) {
  if (!report.result) return "timeout";  // the loop's answer did not come in time
  if (report.result->finding.available()) return std::nullopt;
  return report.result->finding.verdict.reason.label();
}

}  // namespace

std::string probe_metrics(const ProbeReport& report) {
  std::string out;
  std::optional<std::string> reason = unavailable_reason(report);
  int status = report.result ? report.result->finding.status : 0;
  gauge(out, "probe_success", "Whether the probe got a 2xx final response",
        succeeded(report) ? "1" : "0");
  gauge(out, "probe_duration_seconds", "How long the probe took, in seconds",
        seconds(report.duration_seconds));
  gauge(out, "probe_sip_available",
        "Whether the server answered (any final response but an unavailable_codes one)",
        reason ? "0" : "1");
  gauge(out, "probe_sip_status_code", "The final response's status code, 0 when none came",
        std::to_string(status));
  if (status != 0)
    gauge(out, "probe_sip_round_trip_seconds",
          "From the request's first send to its final response, in seconds",
          seconds(report.result->finding.round_trip));
  if (reason)
    gauge(out, "probe_sip_unavailable_reason",
          "Why the server was found unavailable (1 on the reason)", "1",
          "{reason=\"" + *reason + "\"}");
  if (report.earliest_cert_expiry) {
    char value[32];
    std::snprintf(value, sizeof value, "%.0f", *report.earliest_cert_expiry);
    gauge(out, "probe_ssl_earliest_cert_expiry",
          "The earliest notAfter of the TLS server's certificate chain, Unix seconds", value);
  }
  return out;
}

std::string probe_debug(const ProbeReport& report) {
  std::string out = "module " + report.module + ": " + report.method + " " + report.uri +
                    ", budget " + seconds(report.budget) + " s\n";
  if (!report.result) {
    out += "no answer within the scrape's timeout: the probe was abandoned\n";
  } else {
    const ProbeResult& result = *report.result;
    const Finding& finding = result.finding;
    if (result.route)
      out +=
          "resolved by DNS SRV/NAPTR (RFC 3263): " + std::to_string(result.route->targets.size()) +
          " target(s)\n";
    out += "sent to " + result.sent_to.host + ":" + std::to_string(result.sent_to.port) + " " +
           engine::to_string(result.sent_to.transport);
    if (!finding.address.empty()) out += " (address " + finding.address + ")";
    out += "\noutcome " + finding.outcome + ": " + std::to_string(finding.status) + " " +
           finding.phrase + " after " + seconds(finding.round_trip) + " s\n";
  }
  return out + "\nMetrics that would have been returned:\n" + probe_metrics(report);
}

}  // namespace sipsentry::probe
