#include "engine/register_retry.h"

#include <algorithm>

namespace sipsentry::engine {

WaitBounds register_retry_bounds(const LineSettings& settings, uint32_t failures,
                                 bool others_hold) {
  if (settings.register_retry.mode == RegisterRetry::Mode::kFixed)
    return {settings.register_retry_interval, settings.register_retry_interval};
  const RegisterRetry& retry = settings.register_retry;
  // Doubles until it reaches max: no 2^failures that could overflow.
  Millis longest = others_hold ? retry.base_not_failed : retry.base;
  for (uint32_t k = 0; k < failures && longest < retry.max; ++k) longest *= 2;
  longest = std::min(longest, retry.max);
  return {longest / 2, longest};
}

Millis register_retry_wait(const WaitBounds& bounds, double draw) {
  double fraction = std::clamp(draw, 0.0, 1.0);
  auto span = static_cast<double>((bounds.longest - bounds.shortest).count());
  return bounds.shortest + Millis(static_cast<Millis::rep>(span * fraction));
}

}  // namespace sipsentry::engine
