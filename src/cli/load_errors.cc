#include "cli/load_errors.h"

#include <iostream>

#include "cli/exit_codes.h"

namespace sipsentry::cli {

int print_load_errors(const config::LoadResult& loaded) {
  for (const config::Diagnostic& error : loaded.errors) std::cerr << error.to_string() << "\n";
  return kExitUsage;
}

}  // namespace sipsentry::cli
