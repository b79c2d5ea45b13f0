#include "cli/run_command.h"

#include <iostream>
#include <memory>

#include "cli/exit_codes.h"
#include "cli/instance_options.h"
#include "cli/load_errors.h"
#include "daemon/heap_policy.h"
#include "daemon/service.h"
#include "daemon/service_config.h"
#include "daemon/signals.h"

namespace sipsentry::cli {
namespace {

int run_daemon(const daemon::ServiceOptions& options) {
  // Before anything else: a SIGHUP during start-up must not end the process.
  daemon::install_signal_handlers();
  daemon::set_daemon_heap_policy();
  const config::Environment& environment = config::process_environment();
  daemon::ServiceConfig loaded = daemon::load_service_config(options, environment);
  if (!loaded.loaded.config) return print_load_errors(loaded.loaded);
  std::string error;
  auto service = daemon::Service::start(std::move(loaded), options, environment, std::cerr, error);
  if (!service) {
    std::cerr << "sipsentry run: " << error << "\n";
    return kExitCritical;
  }
  service->serve();
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<daemon::ServiceOptions>();
  CLI::App* run = app.add_subcommand(
      "run", "Run the monitor: register every line, serve metrics, log every event");
  run->add_option("-c,--config", options->config_path, "Configuration file")->required();
  run->add_option("--pidfile", options->pidfile, "Write the process id to this file");
  add_shard_option(*run, options->shard);
  run->add_option("--metrics-listen", options->metrics_listen,
                  "Serve /metrics here instead of the file's metrics.listen (one address per "
                  "instance when several share the file)")
      ->check(host_port_check())
      ->type_name("HOST:PORT");
  run->add_option("--sip-bind", options->sip_bind,
                  "Send SIP from here instead of the file's sip.bind (a comma between "
                  "addresses: one per family, e.g. 0.0.0.0:0,[::]:0)")
      ->delimiter(',')
      ->check(host_port_check())
      ->type_name("HOST:PORT[,HOST:PORT]");
  run->callback([options, &exit_code] { exit_code = run_daemon(*options); });
}

}  // namespace sipsentry::cli
