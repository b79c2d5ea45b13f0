#include "config/host_port.h"

#include <string>

namespace sipsentry::config {

bool is_host_port(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size()) return false;
  std::string_view port = text.substr(colon + 1);
  return port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos &&
         std::stoi(std::string(port)) <= 65535;
}

}  // namespace sipsentry::config
