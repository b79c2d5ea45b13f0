#pragma once
// How long a line waits before it walks again after a registration failed
// everywhere or was refused: a fixed interval (the seed phone), or RFC
// 5626 §4.5's randomised exponential back-off (register_retry: backoff).

#include <cstdint>

#include "engine/line_settings.h"

namespace sipsentry::engine {

/// The shortest and the longest wait a retry may draw.
struct WaitBounds {
  Millis shortest;
  Millis longest;
  friend bool operator==(const WaitBounds&, const WaitBounds&) = default;
};

/// The bounds after `failures` consecutive failures (1 after the first).
/// Fixed: register_retry_interval both. Back-off: 50 % and 100 % of
/// min(max, base * 2^failures), so 30-60 s, 60-120 s, … up to 900-1800 s
/// with RFC 5626's defaults. `others_hold`: another server still holds a
/// registration (redundancy: concurrent), so the base is RFC 5626's
/// base-time-not-failed (base_not_failed, 90 s) instead of base.
WaitBounds register_retry_bounds(const LineSettings& settings, uint32_t failures,
                                 bool others_hold = false);

/// The wait a draw in [0, 1] picks within `bounds` (0: the shortest, 1:
/// the longest); a draw outside is clamped.
Millis register_retry_wait(const WaitBounds& bounds, double draw);

}  // namespace sipsentry::engine
