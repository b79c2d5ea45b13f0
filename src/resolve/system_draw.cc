#include "resolve/system_draw.h"

#include <random>

namespace sipsentry::resolve {

RandomDraw system_draw() {
  return [](uint32_t bound) {
    static std::mt19937 generator{std::random_device{}()};
    return std::uniform_int_distribution<uint32_t>(0, bound)(generator);
  };
}

}  // namespace sipsentry::resolve
