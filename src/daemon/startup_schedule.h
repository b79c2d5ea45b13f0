#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "config/config.h"
#include "engine/time.h"

namespace sipsentry::daemon {

/// When each of `count` lines starts, from now: the k-th at k / rate seconds
/// plus a random share of the jitter, so that 10,000 lines neither register
/// in one burst nor in lockstep. Sorted; the first offsets of a small file
/// are within the jitter of 0. `seed` makes the jitter repeatable in tests.
std::vector<engine::Millis> startup_offsets(size_t count, const config::StartupSettings& startup,
                                            uint64_t seed);

}  // namespace sipsentry::daemon
