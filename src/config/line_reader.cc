// One entry of `lines` (spec.md §10): identity, credentials, servers, test call.
#include "config/line_reader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "config/server_reader.h"
#include "config/shared_keys.h"

namespace sipsentry::config {
namespace {

constexpr std::string_view kPasswordKeys[] = {"password", "password_file", "password_env"};

bool valid_label(const std::string& name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

/// Reads the one password form a line may give.
class PasswordReader {
 public:
  PasswordReader(YamlReader& r, const SecretSources& secrets, Secret& target)
      : r_(r), secrets_(secrets), target_(target) {}

  void add_handlers(YamlReader::Handlers& handlers) {
    for (std::string_view key : kPasswordKeys)
      handlers.emplace_back(key, [this, key](const YamlNode& v) { read(key, v); });
  }

 private:
  void read(std::string_view key, const YamlNode& value) {
    if (seen_) {
      r_.error(value, "'" + std::string(key) +
                          "': give only one of 'password', 'password_file', 'password_env'");
      return;
    }
    seen_ = true;
    std::optional<std::string> text = r_.string(value, key);
    if (!text) return;
    if (key == "password") target_ = Secret(*text);
    if (key == "password_env") from_env(value, *text);
    if (key == "password_file") from_file(value, *text);
  }

  void from_env(const YamlNode& value, const std::string& name) {
    std::optional<std::string> found = secrets_.env.variable(name);
    if (!found)
      unreadable(value, "'password_env': environment variable '" + name + "' is not set");
    else
      target_ = Secret(*found);
  }

  void from_file(const YamlNode& value, const std::string& path) {
    std::filesystem::path full = path;
    if (full.is_relative()) full = std::filesystem::path(secrets_.base_dir) / full;
    std::optional<std::string> content = secrets_.env.read_file(full.string());
    if (!content) {
      unreadable(value, "'password_file': cannot read '" + full.string() + "'");
      return;
    }
    // The first line is the password: editors add a trailing newline.
    target_ = Secret(content->substr(0, content->find_first_of("\r\n")));
  }

  /// The password is named but cannot be had here: where it is required the
  /// line cannot run, elsewhere the operator is told it will need it.
  void unreadable(const YamlNode& value, std::string message) {
    if (secrets_.policy == SecretPolicy::kRequired)
      r_.error(value, std::move(message));
    else
      r_.warning(value, std::move(message));
  }

  YamlReader& r_;
  const SecretSources& secrets_;
  Secret& target_;
  bool seen_ = false;
};

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
  if (!s.name.empty() && !valid_label(s.name))
    r.error(node["name"],
            "'name': use only letters, digits, '_', '.' and '-' (it is a metric label)");
  require(r, node, "user", s.user);
  if (!node["servers"]) r.error(node, "line is missing 'servers'");
  fill_identity_defaults(line);
  return line;
}

}  // namespace sipsentry::config
