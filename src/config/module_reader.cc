// `modules` and `probe`: blackbox_exporter's modules, for SIP.
#include "config/module_reader.h"

#include "config/plain_name.h"

namespace sipsentry::config {
namespace {

void read_method(YamlReader& r, const YamlNode& node, engine::Method& method) {
  std::optional<std::string> text = r.string(node, "method");
  if (!text) return;
  if (*text == "OPTIONS" || *text == "REGISTER")
    method = *text == "OPTIONS" ? engine::Method::kOptions : engine::Method::kRegister;
  else
    r.error(node, "'method': expected OPTIONS or REGISTER, got '" + *text + "'");
}

void read_transport(YamlReader& r, const YamlNode& node,
                    std::optional<engine::Transport>& transport) {
  std::optional<std::string> text = r.string(node, "transport");
  if (!text) return;
  for (engine::Transport t :
       {engine::Transport::kUdp, engine::Transport::kTcp, engine::Transport::kTls})
    if (*text == engine::to_string(t)) {
      transport = t;
      return;
    }
  r.error(node, "'transport': expected udp, tcp or tls, got '" + *text + "'");
}

ProbeModule read_module(YamlReader& r, const YamlNode& node, const SecretSources& secrets) {
  ProbeModule module;
  YamlReader::Handlers handlers = {
      {"method", [&](const YamlNode& v) { read_method(r, v, module.method); }},
      {"user", r.into_string(module.user, "user")},
      {"domain", r.into_string(module.domain, "domain")},
      {"transport", [&](const YamlNode& v) { read_transport(r, v, module.transport); }},
      {"timeout", r.into_positive_duration(module.timeout, "timeout")},
      {"tls",
       [&](const YamlNode& v) {
         r.read_map(v, "tls",
                    {{"verify", r.into_bool(module.tls_verify, "verify")},
                     {"ca_file", r.into_string(module.tls_ca_file, "ca_file")}});
       }},
  };
  // check loads the lines' passwords only: a module's is run's (/probe).
  SecretSources own = secrets;
  if (own.policy == SecretPolicy::kLines) own.policy = SecretPolicy::kOptional;
  PasswordReader passwords(r, own, module.password);
  passwords.add_handlers(handlers);
  r.read_map(node, "modules", handlers);
  if (!node.IsMap()) return module;
  bool registers = module.method == engine::Method::kRegister;
  if (registers && module.user.empty()) r.error(node, "a REGISTER module needs a 'user'");
  if (!registers && passwords.seen())
    r.error(node, "only a REGISTER module uses a password (this one sends OPTIONS)");
  return module;
}

}  // namespace

void read_modules(YamlReader& r, const YamlNode& node, const SecretSources& secrets,
                  std::map<std::string, ProbeModule>& modules) {
  if (!node.IsMap()) {
    r.error(node, "'modules': expected a mapping of module names to modules");
    return;
  }
  for (const auto& [key, value] : node.entries()) {
    const std::string& name = key.Scalar();
    if (!key.IsScalar() || !is_plain_name(name)) {
      r.error(key, "'modules': a module name uses only letters, digits, '_', '.' and '-'");
      continue;
    }
    ProbeModule module = read_module(r, value, secrets);
    if (!modules.emplace(name, std::move(module)).second)
      r.error(key, "duplicate module '" + name + "'");
  }
}

void read_probe(YamlReader& r, const YamlNode& node, ProbeSettings& probe) {
  r.read_map(node, "probe", {{"allowed_targets", [&](const YamlNode& v) {
                                auto items = r.sequence(v, "allowed_targets");
                                if (!items) return;
                                AllowedTargets allowed;
                                for (const YamlNode& item : *items) {
                                  std::optional<std::string> text =
                                      r.string(item, "allowed_targets");
                                  std::string error;
                                  if (text && !allowed.add(*text, error))
                                    r.error(item, "'allowed_targets': " + error);
                                }
                                probe.allowed_targets = std::move(allowed);
                              }}});
}

}  // namespace sipsentry::config
