#pragma once

#include "config/load.h"

namespace sipsentry::cli {

/// Prints the warnings of a load to stderr, located as errors are.
void print_load_warnings(const config::LoadResult& loaded);

/// Prints every diagnostic of a failed load to stderr, warnings and errors
/// top to bottom as in the file; returns exit code 3.
int print_load_errors(const config::LoadResult& loaded);

}  // namespace sipsentry::cli
