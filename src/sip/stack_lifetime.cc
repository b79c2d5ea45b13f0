#include "sip/stack_lifetime.h"

#include <algorithm>

namespace sipsentry::sip {

engine::Millis stack_lifetime(engine::Millis budget, const std::vector<engine::Millis>& sends) {
  constexpr engine::Millis kMargin{20};
  engine::Millis last_send = sends.empty() ? engine::Millis(0) : sends.back();
  // Never so early that a planned retransmission would be cut off.
  engine::Millis margin = std::min(kMargin, (budget - last_send) / 2);
  return std::max(engine::Millis(1), budget - margin);
}

}  // namespace sipsentry::sip
