#include "cli/load_errors.h"

#include <iostream>
#include <vector>

#include "cli/exit_codes.h"

namespace sipsentry::cli {

void print_load_warnings(const config::LoadResult& loaded) {
  for (const config::Diagnostic& warning : loaded.warnings)
    std::cerr << warning.to_string() << "\n";
}

int print_load_errors(const config::LoadResult& loaded) {
  std::vector<config::Diagnostic> all = loaded.errors;
  all.insert(all.end(), loaded.warnings.begin(), loaded.warnings.end());
  config::sort_top_to_bottom(all);
  for (const config::Diagnostic& diagnostic : all) std::cerr << diagnostic.to_string() << "\n";
  return kExitUsage;
}

}  // namespace sipsentry::cli
