#pragma once

#include "config/load.h"

namespace sipsentry::cli {

/// Prints every diagnostic of a failed load to stderr; returns exit code 3.
int print_load_errors(const config::LoadResult& loaded);

}  // namespace sipsentry::cli
