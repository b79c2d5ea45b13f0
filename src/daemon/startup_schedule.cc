#include "daemon/startup_schedule.h"

#include <algorithm>
#include <random>

namespace sipsentry::daemon {

std::vector<engine::Millis> startup_offsets(size_t count, const config::StartupSettings& startup,
                                            uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(startup.jitter.count(), 0));
  std::vector<engine::Millis> offsets;
  offsets.reserve(count);
  for (size_t k = 0; k < count; ++k) {
    auto paced = static_cast<int64_t>(k) * 1000 / std::max(startup.rate, 1);
    offsets.push_back(engine::Millis(paced + jitter(random)));
  }
  std::ranges::sort(offsets);
  return offsets;
}

}  // namespace sipsentry::daemon
