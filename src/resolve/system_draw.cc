#include "resolve/system_draw.h"

#include <random>

namespace sipsentry::resolve {
namespace {

std::mt19937& generator() {
  static std::mt19937 generator{std::random_device{}()};
  return generator;
}

}  // namespace

RandomDraw system_draw() {
  return
      [](uint32_t bound) { return std::uniform_int_distribution<uint32_t>(0, bound)(generator()); };
}

double system_fraction() {
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator());
}

}  // namespace sipsentry::resolve
