// One entry of `lines` (spec.md §10): identity, credentials, servers, test call.
#include "config/line_reader.h"

#include <map>

#include "config/password_reader.h"
#include "config/plain_name.h"
#include "config/server_reader.h"
#include "config/shared_keys.h"

namespace sipsentry::config {
namespace {

void read_test_call(YamlReader& r, const YamlNode& node, engine::LineSettings& line) {
  engine::TestCallSettings call;
  r.read_map(node, "test_call",
             {{"target", r.into_string(call.target, "target")},
              {"interval", r.into_positive_duration(call.interval, "interval")},
              {"duration", r.into_duration(call.duration, "duration")},
              {"ring_timeout", r.into_positive_duration(call.ring_timeout, "ring_timeout")},
              {"expected_status", [&](const YamlNode& v) {
                 if (auto status = r.integer(v, "expected_status", 100, 699))
                   call.expected_status = static_cast<int>(*status);
               }}});
  if (!node.IsMap()) return;
  if (!call.target.starts_with("sip:") && !call.target.starts_with("sips:"))
    r.error(node["target"] ? node["target"] : node,
            "'test_call': 'target' must be a sip: or sips: URI");
  line.test_call = call;
}

void require(YamlReader& r, const YamlNode& line, std::string_view key, const std::string& value) {
  if (value.empty()) r.error(line, "line is missing '" + std::string(key) + "'");
}

void fill_identity_defaults(LineConfig& line) {
  engine::LineSettings& s = line.settings;
  if (s.domain.empty() && !s.servers.empty()) s.domain = s.servers.front().uri_host();
  if (line.auth_user.empty()) line.auth_user = s.user;
}

}  // namespace

void read_defaults(YamlReader& r, const YamlNode& node, LineConfig& defaults) {
  YamlReader::Handlers handlers;
  add_shared_handlers(r, handlers, defaults);
  r.read_map(node, "defaults", handlers);
}

LineConfig read_line(YamlReader& r, const YamlNode& node, const LineConfig& defaults,
                     const SecretSources& secrets) {
  LineConfig line = defaults;
  engine::LineSettings& s = line.settings;
  YamlReader::Handlers handlers = {
      {"name", r.into_string(s.name, "name")},
      {"user", r.into_string(s.user, "user")},
      {"domain", r.into_string(s.domain, "domain")},
      {"display_name", r.into_string(s.display_name, "display_name")},
      {"auth_user", r.into_string(line.auth_user, "auth_user")},
      {"servers", [&](const YamlNode& v) { s.servers = read_servers(r, v, line.server_names); }},
      {"test_call", [&](const YamlNode& v) { read_test_call(r, v, s); }},
  };
  PasswordReader passwords(r, secrets, line.password);
  passwords.add_handlers(handlers);
  add_shared_handlers(r, handlers, line);
  r.read_map(node, "lines", handlers);
  if (!node.IsMap()) return line;

  require(r, node, "name", s.name);
  if (!s.name.empty() && !is_plain_name(s.name))
    r.error(node["name"],
            "'name': use only letters, digits, '_', '.' and '-' (it is a metric label)");
  require(r, node, "user", s.user);
  if (!node["servers"]) r.error(node, "line is missing 'servers'");
  fill_identity_defaults(line);
  return line;
}

}  // namespace sipsentry::config
