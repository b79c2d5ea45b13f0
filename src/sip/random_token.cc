#include "sip/random_token.h"

#include <cstdio>
#include <random>

namespace sipsentry::sip {

std::string random_token() {
  static std::mt19937_64 random{std::random_device{}()};
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random()));
  return text;
}

}  // namespace sipsentry::sip
