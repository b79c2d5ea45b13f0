#pragma once
// What /probe may do (blackbox_exporter's multi-target pattern): the
// `modules` that say how to probe, and the targets it may probe.

#include <map>
#include <optional>
#include <string>

#include "config/allowed_targets.h"
#include "config/secret.h"
#include "engine/line_settings.h"
#include "engine/method.h"

namespace sipsentry::config {

/// One way of probing a target, named in the scrape's `module` parameter.
struct ProbeModule {
  engine::Method method = engine::Method::kOptions;  // OPTIONS or REGISTER
  std::string user{};                                // From/To user; REGISTER: required
  Secret password{};                                 // answers one digest challenge
  std::string domain{};                              // From/To domain; empty: the target's host
  std::optional<engine::Transport> transport{};      // nullopt: the target's own
  engine::Millis timeout{5000};                      // capped by the scrape's timeout
  // TLS targets: as a line's tls.verify and tls.ca_file.
  bool tls_verify = true;
  std::string tls_ca_file{};  // empty: the system CA store
};

/// The module a scrape without `module` uses, OPTIONS with the defaults,
/// unless the file defines one by this name.
inline constexpr const char* kDefaultModule = "default";

struct ProbeSettings {
  AllowedTargets allowed_targets = AllowedTargets::loopback();
};

}  // namespace sipsentry::config
