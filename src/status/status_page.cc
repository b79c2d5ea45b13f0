// The status page at /: written in one string, server-side, for an
// operator's browser or curl at 3 a.m. No JavaScript and nothing fetched
// from elsewhere, so it works on a host without internet and under a strict
// Content-Security-Policy.
#include "status/status_page.h"

#include <cctype>
#include <charconv>
#include <cstdio>

#include "status/html_escape.h"
#include "version.h"

namespace sipsentry::status {
namespace {

// Red, amber, green by severity_rank; monospace numbers.
constexpr const char* kStyle = R"(<style>
body{font-family:system-ui,sans-serif;margin:1em;color:#222;background:#fff}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:2px 8px;vertical-align:top}
th{border-bottom:2px solid #888}
tbody.line{border-top:1px solid #ccc}
tr.server td{color:#555;font-size:90%}
.num,.time{font-family:ui-monospace,monospace;font-variant-numeric:tabular-nums}
.time{white-space:nowrap}
.state{font-weight:bold;padding:0 6px;border-radius:3px;color:#fff}
.rank0{background:#c62828}.rank1{background:#ef8f00}.rank2{background:#ef8f00}.rank3{background:#2e7d32}
.down{color:#c62828;font-weight:bold}.up{color:#2e7d32}.amber{color:#b36b00;font-weight:bold}
.level-warn,.level-error{color:#c62828}
nav a{margin-right:1em}
</style>
)";

const char* kRankNames[] = {"failed", "on backup", "registering", "ok"};

void add(std::string& out, std::string_view text) {
  append_html_escaped(out, text);
}

using tls::utc_text;

/// "42s", "3m 5s", "2h 3m", "4d 2h": how long ago, to the unit that matters.
std::string age_text(WallTime then, WallTime now) {
  long long s = std::chrono::duration_cast<std::chrono::seconds>(now - then).count();
  if (s < 0) s = 0;
  char text[48];
  if (s < 60)
    std::snprintf(text, sizeof text, "%llds", s);
  else if (s < 3600)
    std::snprintf(text, sizeof text, "%lldm %llds", s / 60, s % 60);
  else if (s < 86400)
    std::snprintf(text, sizeof text, "%lldh %lldm", s / 3600, s % 3600 / 60);
  else
    std::snprintf(text, sizeof text, "%lldd %lldh", s / 86400, s % 86400 / 3600);
  return text;
}

std::string url_encode(std::string_view text) {
  constexpr const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

/// "?line=…&state=…&offset=N…": the page's own query with another offset.
std::string href_at(const PageQuery& query, size_t offset) {
  std::string href = "?offset=" + std::to_string(offset);
  if (!query.lines.line.empty()) href += "&line=" + url_encode(query.lines.line);
  if (query.lines.state) href += "&state=" + url_encode(*query.lines.state);
  if (query.lines.limit != kPageRows) href += "&limit=" + std::to_string(query.lines.limit);
  if (query.refresh_seconds) href += "&refresh=" + std::to_string(*query.refresh_seconds);
  return href;
}

std::string millis_text(engine::Millis duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

const std::string& server_name(const cli::LineResult& line, size_t index) {
  return line.servers.at(index).server.name;
}

void write_state(std::string& out, const LineStatus& status) {
  const cli::LineResult& line = status.result;
  int rank = severity_rank(line);
  out += "<span class=\"state rank" + std::to_string(rank) + "\">";
  add(out, engine::to_string(line.state));
  out += "</span>";
  if (line.state != engine::LineState::kRegistered && line.state_reason) {
    out += " ";
    add(out, line.state_reason->label());
  }
}

void write_registered(std::string& out, const cli::LineResult& line) {
  if (line.state != engine::LineState::kRegistered || !line.registered_server) {
    out += "&mdash;";
    return;
  }
  const cli::ServerResult& on = line.servers.at(*line.registered_server);
  add(out, on.server.name);
  out += " (";
  out += cli::role_of(on);
  out += ")";
  if (line.registered_target) {
    out += " ";
    add(out, line.registered_target->describe());
  }
}

void write_switch(std::string& out, const LineStatus& status, WallTime now) {
  if (!status.last_switch) {
    out += "&mdash;";
    return;
  }
  const LineSwitch& move = *status.last_switch;
  out += move.failback ? "failback " : "failover ";
  add(out, server_name(status.result, move.from));
  out += " &rarr; ";
  add(out, server_name(status.result, move.to));
  if (move.method) {
    out += " by ";
    add(out, engine::to_string(*move.method));
  }
  if (move.reason) {
    out += " (";
    add(out, move.reason->label());
    out += ")";
  }
  out += " <span class=\"time\">" + age_text(move.at, now) + " ago</span>";
}

void write_call(std::string& out, const cli::LineResult& line) {
  if (!line.call) {
    out += "&mdash;";
    return;
  }
  const cli::CallResult& call = *line.call;
  out += call.as_expected() ? "<span class=\"up\">" : "<span class=\"down\">";
  add(out, call.finished.result);
  out += "</span>";
  if (call.finished.setup_to_answer)
    out += " <span class=\"num\">" + millis_text(*call.finished.setup_to_answer) + "</span>";
  if (call.failed_over()) out += " failed over";
}

/// A TLS server's certificate, as of `now`: "certificate expires
/// 2026-12-06 14:03:00Z (in 3 days)", green while valid beyond the line's
/// tls.expiry_warning, amber within it, red once expired or not yet valid.
void write_certificate(std::string& out, const cli::ServerResult& server, WallTime now) {
  if (!server.certificate) return;
  const tls::CertificateReading& reading = *server.certificate;
  if (!reading.dates) {
    out += "<span class=\"certificate\">certificate not read: ";
    add(out, reading.error);
    out += "</span>";
    return;
  }
  const tls::ChainDates& dates = *reading.dates;
  tls::CertificateState state = reading.state_at(now);
  const char* colour = state == tls::CertificateState::kValid      ? "up"
                       : state == tls::CertificateState::kExpiring ? "amber"
                                                                   : "down";
  out += std::string("<span class=\"certificate ") + colour + "\">certificate ";
  if (state == tls::CertificateState::kNotYetValid)
    out += "not valid before " + utc_text(dates.latest_not_before);
  else
    out += std::string(state == tls::CertificateState::kExpired ? "expired " : "expires ") +
           utc_text(dates.earliest_not_after) + " (" + tls::expiry_in_words(dates, now) + ")";
  out += "</span>";
}

void write_server(std::string& out, const LineStatus& status, size_t index, WallTime now) {
  const cli::ServerResult& server = status.result.servers.at(index);
  out += "<tr class=\"server\"><td>&#8627; ";
  out += cli::role_of(server);
  out += " ";
  add(out, server.server.name);
  out += "</td><td>";
  if (!server.probed)
    out += "no result yet";
  else
    out += server.up ? "<span class=\"up\">up</span>" : "<span class=\"down\">down</span>";
  // A concurrent line: each server holds a registration of its own, or not.
  if (server.holds_registration)
    out += *server.holds_registration ? ", registered" : ", not registered";
  out += "</td><td>";
  if (server.probed) add(out, engine::to_string(server.method));
  out += "</td><td class=\"num\">";
  if (server.status != 0) out += std::to_string(server.status);
  if (server.reason) {
    out += server.status != 0 ? " " : "";
    add(out, server.reason->label());
  }
  out += "</td><td class=\"num\">";
  if (auto rtt = server.rtt()) out += "RTT " + millis_text(*rtt);
  out += "</td><td class=\"num\">";
  const std::optional<WallTime>& until = status.retry_after_until.at(index);
  bool embargo = until && *until > now;
  if (embargo) out += "Retry-After until " + utc_text(*until);
  if (embargo && server.certificate) out += "; ";
  write_certificate(out, server, now);
  out += "</td></tr>\n";
}

void write_line(std::string& out, const LineStatus& status, WallTime now) {
  const cli::LineResult& line = status.result;
  out += "<tbody class=\"line\"><tr><td><b>";
  add(out, line.name);
  out += "</b></td><td>";
  write_state(out, status);
  out += "</td><td>";
  write_registered(out, line);
  out += "</td><td class=\"time\">" + utc_text(status.since) + " (" + age_text(status.since, now) +
         ")</td><td>";
  write_switch(out, status, now);
  out += "</td><td>";
  write_call(out, line);
  out += "</td></tr>\n";
  for (size_t i = 0; i < line.servers.size(); ++i) write_server(out, status, i, now);
  out += "</tbody>\n";
}

void write_head(std::string& out, const PageQuery& query) {
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width\">\n";
  if (query.refresh_seconds)
    out += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(*query.refresh_seconds) +
           "\">\n";
  out += "<title>sipsentry status</title>\n";
  out += kStyle;
  out += "</head><body>\n";
}

void write_summary(std::string& out, const PageContent& content) {
  out += "<h1>sipsentry " + html_escape(kVersion) + "</h1>\n<p><span class=\"num\">" +
         std::to_string(content.lines) + "</span> lines:";
  for (size_t rank = 0; rank < content.by_rank.size(); ++rank)
    out += std::string(rank ? "," : "") + " <span class=\"state rank" + std::to_string(rank) +
           "\"><span class=\"num\">" + std::to_string(content.by_rank[rank]) + "</span> " +
           kRankNames[rank] + "</span>";
  out += " &middot; <span class=\"time\">" + utc_text(content.now) + "</span></p>\n";
  out +=
      "<nav><a href=\"metrics\">metrics</a><a href=\"healthz\">healthz</a>"
      "<a href=\"api/v1/lines\">api/v1/lines</a><a href=\"api/v1/events\">api/v1/events</a>"
      "</nav>\n";
}

void write_filter(std::string& out, const PageQuery& query) {
  out += "<form method=\"get\" action=\"\"><p>line contains <input name=\"line\" value=\"";
  add(out, query.lines.line);
  out += "\"> state <select name=\"state\"><option value=\"\">any</option>";
  for (engine::LineState state : engine::kAllLineStates) {
    std::string name = to_string(state);
    out += "<option" + std::string(query.lines.state == name ? " selected" : "") + ">" + name +
           "</option>";
  }
  out += "</select> refresh every <input name=\"refresh\" size=\"4\" value=\"";
  if (query.refresh_seconds) out += std::to_string(*query.refresh_seconds);
  out += "\"> s <input type=\"submit\" value=\"show\"></p></form>\n";
}

void write_pager(std::string& out, const PageContent& content, const PageQuery& query) {
  size_t offset = query.lines.offset, limit = query.lines.limit, matched = content.matched;
  size_t shown = content.rows.size();
  out += "<p class=\"num\">";
  if (shown == 0)
    out += "no lines match";
  else
    out += "lines " + std::to_string(offset + 1) + "&ndash;" + std::to_string(offset + shown) +
           " of " + std::to_string(matched) + ", worst first";
  if (offset > 0)
    out += " &middot; <a href=\"" + html_escape(href_at(query, 0)) + "\">first</a> <a href=\"" +
           html_escape(href_at(query, offset > limit ? offset - limit : 0)) + "\">previous</a>";
  if (offset + shown < matched)
    out += " &middot; <a href=\"" + html_escape(href_at(query, offset + limit)) + "\">next</a>";
  out += "</p>\n";
}

void write_events(std::string& out, const PageContent& content) {
  out +=
      "<h2>Recent events</h2>\n<table class=\"events\"><thead><tr><th>time</th><th>level</th>"
      "<th>line</th><th>event</th></tr></thead><tbody>\n";
  // Newest first, as an operator reads a log after an alarm.
  for (auto event = content.events.rbegin(); event != content.events.rend(); ++event) {
    out += "<tr class=\"level-";
    add(out, event->level);
    out += "\"><td class=\"time\">" + utc_text(event->time) + "</td><td>";
    add(out, event->level);
    out += "</td><td>";
    add(out, event->line);
    out += "</td><td class=\"num\">";
    add(out, event->text);
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n";
}

}  // namespace

std::optional<PageQuery> parse_page_query(std::string_view query, std::string& error) {
  std::optional<LineQuery> lines = parse_line_query(query, kPageRows, kMaxPageRows, error);
  if (!lines) return std::nullopt;
  PageQuery parsed{.lines = *lines};
  if (auto refresh = query_value(query, "refresh"); refresh && !refresh->empty()) {
    int seconds = 0;
    auto [end, failed] =
        std::from_chars(refresh->data(), refresh->data() + refresh->size(), seconds);
    if (failed != std::errc() || end != refresh->data() + refresh->size() || seconds < 1 ||
        seconds > 3600) {
      error = "refresh: expected seconds from 1 to 3600";
      return std::nullopt;
    }
    parsed.refresh_seconds = seconds;
  }
  return parsed;
}

std::string render_status_page(const PageContent& content, const PageQuery& query) {
  std::string out;
  out.reserve(4096 + content.rows.size() * 1500 + content.events.size() * 300);
  write_head(out, query);
  write_summary(out, content);
  write_filter(out, query);
  write_pager(out, content, query);
  out +=
      "<table class=\"lines\"><thead><tr><th>line / server</th><th>state</th>"
      "<th>registered on</th><th>since</th><th>last switch</th><th>test call</th></tr>"
      "</thead>\n";
  for (const LineStatus& line : content.rows) write_line(out, line, content.now);
  out += "</table>\n";
  write_pager(out, content, query);
  write_events(out, content);
  out += "</body></html>\n";
  return out;
}

}  // namespace sipsentry::status
