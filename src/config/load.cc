// The top level of a configuration file (spec.md §10).
#include "config/load.h"

#include <arpa/inet.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "config/host_port.h"
#include "config/line_reader.h"
#include "config/module_reader.h"
#include "config/yaml_reader.h"

namespace sipsentry::config {
namespace {

void check_address(YamlReader& r, const YamlNode& node, std::string_view key) {
  const std::string& text = node.Scalar();
  if (!is_host_port(text))
    r.error(node, "'" + std::string(key) + "': expected HOST:PORT, got '" + text + "'");
}

void read_one_of(YamlReader& r, const YamlNode& node, std::string_view key, std::string& target,
                 std::initializer_list<std::string_view> allowed) {
  std::optional<std::string> text = r.string(node, key);
  if (!text) return;
  for (std::string_view choice : allowed)
    if (*text == choice) {
      target = *text;
      return;
    }
  std::string list;
  for (std::string_view choice : allowed) list += (list.empty() ? "" : ", ") + std::string(choice);
  r.error(node, "'" + std::string(key) + "': expected one of " + list + ", got '" + *text + "'");
}

YamlReader::Handler into_address(YamlReader& r, std::string_view key, std::string& target) {
  return [&r, key, &target](const YamlNode& v) {
    if (!r.string(v, key)) return;
    check_address(r, v, key);
    target = v.Scalar();
  };
}

/// sip.bind: one "HOST:PORT", or a list of them (one per address family).
void read_bind(YamlReader& r, const YamlNode& node, std::vector<std::string>& binds) {
  r.read_map(node, "sip", {{"bind", [&r, &binds](const YamlNode& v) {
                              std::vector<YamlNode> items{v};
                              if (v.IsSequence()) {
                                items = *r.sequence(v, "bind");
                                if (items.empty())
                                  r.error(v, "'bind': at least one address is needed");
                              }
                              std::vector<std::string> read;
                              for (const YamlNode& item : items) {
                                std::string one;
                                into_address(r, "bind", one)(item);
                                if (!one.empty()) read.push_back(one);
                              }
                              if (!read.empty()) binds = read;
                            }}});
}

/// The address family of an IP literal, AF_UNSPEC for a name.
int family_of(const std::string& address) {
  in_addr ipv4{};
  if (address.find(':') != std::string::npos) return AF_INET6;  // kept bare by the reader
  return inet_pton(AF_INET, address.c_str(), &ipv4) == 1 ? AF_INET : AF_UNSPEC;
}

/// A server given as an IP literal of a family that no sip.bind address has
/// can never be reached: every request to it would fail at once as `local`.
/// Said when the file is read, where sip.bind can still be fixed.
void warn_unbound_families(YamlReader& r, const YamlNode& line_node, const LineConfig& line,
                           const std::vector<std::string>& binds) {
  bool ipv6 = std::any_of(binds.begin(), binds.end(),
                          [](const std::string& b) { return b.starts_with('['); });
  bool ipv4 = std::any_of(binds.begin(), binds.end(),
                          [](const std::string& b) { return !b.starts_with('['); });
  std::vector<YamlNode> servers = line_node["servers"].items();  // none when not a list
  for (size_t i = 0; i < line.settings.servers.size() && i < servers.size(); ++i) {
    int family = family_of(line.settings.servers[i].address);
    if ((family == AF_INET6 && !ipv6) || (family == AF_INET && !ipv4))
      r.warning(servers[i]["address"], std::string("server '") + line.settings.servers[i].name +
                                           "' is an " + (family == AF_INET6 ? "IPv6" : "IPv4") +
                                           " address but sip.bind has no " +
                                           (family == AF_INET6 ? "IPv6" : "IPv4") +
                                           " address: every request to it fails as 'local'");
  }
}

void read_lines(YamlReader& r, const YamlNode& node, const LineConfig& defaults,
                const SecretSources& secrets, Config& config) {
  auto items = r.sequence(node, "lines");
  if (!items) return;
  if (items->empty()) r.error(node, "'lines': at least one line is needed");
  std::map<std::string, int> first_seen;  // name -> 1-based line in the file
  for (const YamlNode& item : *items) {
    config.lines.push_back(read_line(r, item, defaults, secrets));
    warn_unbound_families(r, item, config.lines.back(), config.sip.bind);
    const std::string& name = config.lines.back().settings.name;
    if (name.empty() || !item.IsMap()) continue;
    auto [seen, inserted] = first_seen.emplace(name, item["name"].Mark().line + 1);
    if (!inserted)
      r.error(item["name"], "duplicate line name '" + name + "' (first defined at line " +
                                std::to_string(seen->second) + ")");
  }
}

void read_document(YamlReader& r, const YamlNode& root, const SecretSources& secrets,
                   Config& config) {
  std::optional<YamlNode> defaults_node;
  std::optional<YamlNode> lines_node;
  r.read_map(root, "top level",
             {{"metrics",
               [&](const YamlNode& v) {
                 r.read_map(v, "metrics",
                            {{"listen", into_address(r, "listen", config.metrics.listen)},
                             {"per_line_histograms", r.into_bool(config.metrics.per_line_histograms,
                                                                 "per_line_histograms")}});
               }},
              {"sip", [&](const YamlNode& v) { read_bind(r, v, config.sip.bind); }},
              {"log",
               [&](const YamlNode& v) {
                 r.read_map(v, "log",
                            {{"format",
                              [&](const YamlNode& f) {
                                read_one_of(r, f, "format", config.log.format, {"text", "json"});
                              }},
                             {"level", [&](const YamlNode& l) {
                                read_one_of(r, l, "level", config.log.level,
                                            {"trace", "debug", "info", "warn", "error"});
                              }}});
               }},
              {"startup",
               [&](const YamlNode& v) {
                 r.read_map(v, "startup",
                            {{"rate",
                              [&](const YamlNode& n) {
                                assign(config.startup.rate, r.integer(n, "rate", 1, 100'000));
                              }},
                             {"jitter", r.into_duration(config.startup.jitter, "jitter")}});
               }},
              {"modules", [&](const YamlNode& v) { read_modules(r, v, secrets, config.modules); }},
              {"probe", [&](const YamlNode& v) { read_probe(r, v, config.probe); }},
              // Read later: defaults apply to every line, wherever they stand.
              {"defaults", [&](const YamlNode& v) { defaults_node = v; }},
              {"lines", [&](const YamlNode& v) { lines_node = v; }}});
  if (!root.IsMap()) return;
  LineConfig defaults;
  if (defaults_node) read_defaults(r, *defaults_node, defaults);
  if (!lines_node)
    r.error(root, "the configuration has no 'lines'");
  else
    read_lines(r, *lines_node, defaults, secrets, config);
}

}  // namespace

LoadResult parse_config(std::string_view yaml_text, const std::string& file_name,
                        const Environment& env, const std::string& base_dir, SecretPolicy secrets) {
  YamlReader reader(file_name);
  Config config;
  config.source_path = file_name;
  try {
    YamlDocument document{std::string(yaml_text)};
    YamlNode root = document.root();
    if (!root || root.IsNull())
      reader.error(root.Mark(), "the file is empty");
    else
      read_document(reader, root, SecretSources{env, base_dir, secrets}, config);
  } catch (const YAML::ParserException& error) {
    // Report the parser's own message (without yaml-cpp's position prefix).
    reader.error(error.mark, "malformed YAML: " + error.msg);
  } catch (const YAML::Exception& error) {
    reader.error(error.mark, "malformed YAML: " + error.msg);
  }
  LoadResult result;
  for (Diagnostic& d : reader.take())
    (d.severity == Severity::kError ? result.errors : result.warnings).push_back(std::move(d));
  sort_top_to_bottom(result.errors);
  sort_top_to_bottom(result.warnings);
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

LoadResult load_config_file(const std::string& path, const Environment& env, SecretPolicy secrets) {
  std::optional<std::string> text = env.read_file(path);
  if (!text) return LoadResult{std::nullopt, {Diagnostic{path, 0, 0, "cannot read the file"}}, {}};
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  return parse_config(*text, path, env, base_dir.empty() ? "." : base_dir, secrets);
}

}  // namespace sipsentry::config
