#include "daemon/service_config.h"

namespace sipsentry::daemon {

ServiceConfig load_service_config(const ServiceOptions& options, const config::Environment& env) {
  ServiceConfig result{config::load_config_file(options.config_path, env), std::nullopt};
  if (!result.loaded.config) return result;
  config::Config& config = *result.loaded.config;
  if (options.shard) result.shard = config::select_shard(config.lines, *options.shard);
  if (!options.metrics_listen.empty()) config.metrics.listen = options.metrics_listen;
  if (!options.sip_bind.empty()) config.sip.bind = options.sip_bind;
  return result;
}

std::string shard_note(const ServiceConfig& loaded) {
  return loaded.shard ? " (" + loaded.shard->to_string() + ")" : "";
}

bool shard_is_empty(const ServiceConfig& loaded) {
  return loaded.shard && loaded.shard->kept == 0;
}

}  // namespace sipsentry::daemon
