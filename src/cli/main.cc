#include <CLI/CLI.hpp>

#include "version.h"

int main(int argc, char** argv) {
  CLI::App app{"sipsentry: SIP redundancy probe and monitor"};
  app.set_version_flag("--version", std::string("sipsentry ") + sipsentry::kVersion);
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
