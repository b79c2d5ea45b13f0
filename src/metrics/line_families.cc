#include "metrics/line_families.h"

#include <array>
#include <cstdint>

#include "engine/line_state.h"
#include "engine/method.h"

namespace sipsentry::metrics {
namespace {

using Writer = TextWriter;
using Record = LineRecord;

const char* role_of(size_t server) {
  return server == 0 ? "primary" : "backup";
}

uint64_t flag(bool on) {
  return on ? 1 : 0;
}

void server_up(Writer& w, std::string_view line, const Record& r) {
  for (size_t i = 0; i < r.servers.size(); ++i)
    if (r.servers[i].up)
      w.sample(Families::server_up.name,
               {{"line", line}, {"role", role_of(i)}, {"server", r.servers[i].name}},
               flag(*r.servers[i].up));
}

void server_failures(Writer& w, std::string_view line, const Record& r) {
  for (const ServerView& server : r.servers)
    for (const auto& [reason, count] : server.failures)
      w.sample(Families::server_failures.name,
               {{"line", line}, {"reason", reason}, {"server", server.name}}, count);
}

void requests(Writer& w, std::string_view line, const Record& r) {
  for (const ServerView& server : r.servers)
    for (const auto& [key, count] : server.requests)
      w.sample(Families::requests.name,
               {{"line", line},
                {"method", engine::to_string(key.first)},
                {"outcome", key.second},
                {"server", server.name}},
               count);
}

void line_registered(Writer& w, std::string_view line, const Record& r) {
  w.sample(Families::line_registered.name, {{"line", line}}, flag(r.registered));
}

void line_active_server(Writer& w, std::string_view line, const Record& r) {
  for (size_t i = 0; i < r.servers.size(); ++i)
    w.sample(Families::line_active_server.name,
             {{"line", line}, {"role", role_of(i)}, {"server", r.servers[i].name}},
             flag(r.active_server == i));
}

// Written from the line's one active_target at every scrape: a line that
// moves or leaves has its old series gone from the next scrape, and a
// record set of any size makes at most this one series a line. Its role
// is the target's: on the primary's second target the line is on a backup.
void line_active_target(Writer& w, std::string_view line, const Record& r) {
  if (!r.active_server || !r.active_target) return;
  w.sample(Families::line_active_target.name,
           {{"line", line},
            {"role", r.active_on_primary ? "primary" : "backup"},
            {"server", r.servers[*r.active_server].name},
            {"target", r.active_target->describe()}},
           uint64_t{1});
}

void server_registered(Writer& w, std::string_view line, const Record& r) {
  if (!r.concurrent) return;
  for (size_t i = 0; i < r.servers.size(); ++i)
    w.sample(Families::server_registered.name,
             {{"line", line}, {"role", role_of(i)}, {"server", r.servers[i].name}},
             flag(r.servers[i].registered));
}

void line_state(Writer& w, std::string_view line, const Record& r) {
  for (engine::LineState state : engine::kAllLineStates)
    w.sample(Families::line_state.name, {{"line", line}, {"state", engine::to_string(state)}},
             flag(state == r.state));
}

void registration_expiry(Writer& w, std::string_view line, const Record& r) {
  if (r.registration_expiry)
    w.sample(Families::registration_expiry.name, {{"line", line}}, *r.registration_expiry);
}

void certificate_expiry(Writer& w, std::string_view line, const Record& r) {
  for (const ServerView& server : r.servers)
    if (server.certificate_expiry)
      w.sample(Families::certificate_expiry.name, {{"line", line}, {"server", server.name}},
               *server.certificate_expiry);
}

void failovers(Writer& w, std::string_view line, const Record& r) {
  for (const auto& [key, count] : r.failovers)
    w.sample(Families::failovers.name,
             {{"from", r.servers[key.from].name},
              {"line", line},
              {"method", engine::to_string(key.method)},
              {"reason", key.reason},
              {"to", r.servers[key.to].name}},
             count);
}

void failbacks(Writer& w, std::string_view line, const Record& r) {
  for (const auto& [key, count] : r.failbacks)
    w.sample(
        Families::failbacks.name,
        {{"from", r.servers[key.first].name}, {"line", line}, {"to", r.servers[key.second].name}},
        count);
}

void switches(Writer& w, std::string_view line, const Record& r) {
  w.sample(Families::switches.name, {{"line", line}}, r.switches);
}

void failback_probes(Writer& w, std::string_view line, const Record& r) {
  for (const auto& [result, count] : r.failback_probes)
    w.sample(Families::failback_probes.name,
             {{"line", line}, {"result", engine::to_string(result)}}, count);
}

void register_failures(Writer& w, std::string_view line, const Record& r) {
  w.sample(Families::register_failures.name, {{"line", line}}, r.register_failures);
}

void last_switch(Writer& w, std::string_view line, const Record& r) {
  if (r.last_switch) w.sample(Families::last_switch.name, {{"line", line}}, *r.last_switch);
}

// For the test call of a line that held no registration, so no server
// carried its INVITE.
constexpr std::string_view kNoServer = "none";

void test_calls(Writer& w, std::string_view line, const Record& r) {
  for (const auto& [key, count] : r.test_calls)
    w.sample(Families::test_calls.name,
             {{"line", line},
              {"result", key.second},
              {"server", key.first ? std::string_view(r.servers[*key.first].name) : kNoServer}},
             count);
}

// Each sample's labels are written in the order of their names, as
// prometheus-cpp did and the README shows, so that a grep of the exposition
// keeps working.
const std::array<LineFamily, 17> kLineFamilies = {{
    {Families::server_up, server_up},
    {Families::server_failures, server_failures},
    {Families::requests, requests},
    {Families::line_registered, line_registered},
    {Families::line_active_server, line_active_server},
    {Families::line_active_target, line_active_target},
    {Families::server_registered, server_registered},
    {Families::line_state, line_state},
    {Families::registration_expiry, registration_expiry},
    {Families::certificate_expiry, certificate_expiry},
    {Families::failovers, failovers},
    {Families::failbacks, failbacks},
    {Families::switches, switches},
    {Families::failback_probes, failback_probes},
    {Families::register_failures, register_failures},
    {Families::last_switch, last_switch},
    {Families::test_calls, test_calls},
}};

}  // namespace

std::span<const LineFamily> line_families() {
  return kLineFamilies;
}

}  // namespace sipsentry::metrics
