// sipsentry's command line: one subcommand per file under cli/.
#include <CLI/CLI.hpp>

#include "cli/check_command.h"
#include "cli/exit_codes.h"
#include "cli/plan_command.h"
#include "cli/probe_command.h"
#include "cli/run_command.h"
#include "cli/validate_command.h"
#include "version.h"

int main(int argc, char** argv) {
  using namespace sipsentry::cli;
  CLI::App app{"sipsentry: SIP redundancy probe and monitor"};
  app.set_version_flag("--version", std::string("sipsentry ") + sipsentry::kVersion);
  app.require_subcommand(1);
  int exit_code = kExitOk;
  add_validate_command(app, exit_code);
  add_plan_command(app, exit_code);
  add_probe_command(app, exit_code);
  add_run_command(app, exit_code);
  add_check_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are "errors" that exit 0; a wrong command line is 3 (spec.md §9).
    int code = app.exit(error);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}
