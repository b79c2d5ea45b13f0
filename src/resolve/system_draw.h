#pragma once
// The process's random draws: RFC 2782's weighted order, and the engine's
// register_retry back-off.

#include "resolve/srv_order.h"

namespace sipsentry::resolve {

/// Draws from one generator for the whole process, seeded from the system:
/// each line orders an SRV set with its own draws, as each phone does, so
/// that weights spread lines across targets as they spread phones. One
/// generator, not one a line: its state is 2.5 kB, paid 10,000 times.
/// Not thread-safe: called on the event loop only.
RandomDraw system_draw();
/// A fraction in [0, 1) from the same generator: the engine's random input.
double system_fraction();

}  // namespace sipsentry::resolve
