#pragma once

#include <chrono>

namespace sipsentry::engine {

/// Every duration and instant in the engine is a count of milliseconds.
/// Instants are measured on the driver's monotonic clock (virtual time in
/// tests and in `plan`); the engine never reads a clock itself.
using Millis = std::chrono::milliseconds;

using namespace std::chrono_literals;

}  // namespace sipsentry::engine
