#include "config/allowed_targets.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace sipsentry::config {
namespace {

struct Address {
  bool ipv6 = false;
  std::array<uint8_t, 16> bytes{};
};

/// An IPv4 address, or an IPv6 one with or without brackets; nothing for a name.
std::optional<Address> parse_address(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  std::string copy(text);
  Address address;
  if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) return address;
  address.ipv6 = true;
  if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) return address;
  return std::nullopt;
}

/// A host name as DNS writes it, lower case and without a trailing dot;
/// empty when `text` is no name.
std::string canonical_name(std::string_view text) {
  if (text.ends_with('.')) text.remove_suffix(1);
  if (text.empty() || text.starts_with('.') || text.starts_with('-')) return "";
  std::string name;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return "";
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

}  // namespace

bool AllowedTargets::Network::contains(bool other_ipv6,
                                       const std::array<uint8_t, 16>& other) const {
  if (other_ipv6 != ipv6) return false;
  int bits = prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((address[i] & mask) != (other[i] & mask)) return false;
  }
  return true;
}

AllowedTargets AllowedTargets::loopback() {
  AllowedTargets loopback;
  std::string unused;
  for (std::string_view entry : {"127.0.0.0/8", "::1", "localhost"}) loopback.add(entry, unused);
  return loopback;
}

bool AllowedTargets::add(std::string_view entry, std::string& error) {
  std::string_view address_text = entry.substr(0, entry.find('/'));
  if (std::optional<Address> address = parse_address(address_text)) {
    int max = address->ipv6 ? 128 : 32;
    int prefix = max;
    if (address_text.size() < entry.size()) {
      std::string_view digits = entry.substr(address_text.size() + 1);
      auto [end, failure] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (failure != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
          prefix > max) {
        error =
            "'" + std::string(entry) + "': the prefix length must be 0 to " + std::to_string(max);
        return false;
      }
    }
    networks_.push_back({address->ipv6, address->bytes, prefix});
  } else if (std::string name = canonical_name(entry); !name.empty()) {
    names_.push_back(name);
  } else {
    error = "'" + std::string(entry) +
            "' is neither a network (10.0.0.0/8, 2001:db8::/32), an IP address nor a host name";
    return false;
  }
  entries_.emplace_back(entry);
  return true;
}

bool AllowedTargets::allows(std::string_view host) const {
  if (std::optional<Address> address = parse_address(host))
    return std::ranges::any_of(
        networks_, [&](const Network& n) { return n.contains(address->ipv6, address->bytes); });
  std::string name = canonical_name(host);
  return !name.empty() && std::ranges::find(names_, name) != names_.end();
}

}  // namespace sipsentry::config
