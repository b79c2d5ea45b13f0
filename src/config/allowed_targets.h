#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipsentry::config {

/// The targets /probe may send to (`probe.allowed_targets`), so that the
/// endpoint is no open relay. Two kinds of entries, matched apart:
/// - a network ("10.0.0.0/8", "2001:db8::/32") or one address (a /32 or
///   /128) allows the IP literals inside it;
/// - a host name allows exactly that name (case-insensitive, a trailing dot
///   ignored), and whatever its DNS records name: listing a name trusts its
///   zone. An unlisted name is refused before it is resolved: a CIDR never
///   allows a name, since checking it would already send a DNS query.
class AllowedTargets {
 public:
  /// 127.0.0.0/8, ::1 and the name localhost: the default.
  static AllowedTargets loopback();

  /// Adds a network, an address or a name. False, saying why in `error`,
  /// for anything else ("10.0.0.0/33", "*.example.com").
  bool add(std::string_view entry, std::string& error);

  /// Whether `host` (an IPv4 address, an IPv6 address with or without
  /// brackets, or a name) may be probed.
  bool allows(std::string_view host) const;

  /// The entries as written, for the message of a refusal.
  const std::vector<std::string>& entries() const { return entries_; }

 private:
  struct Network {
    bool ipv6 = false;
    std::array<uint8_t, 16> address{};
    int prefix = 0;
    bool contains(bool ipv6, const std::array<uint8_t, 16>& address) const;
  };
  std::vector<Network> networks_;
  std::vector<std::string> names_;  // lower case, without a trailing dot
  std::vector<std::string> entries_;
};

}  // namespace sipsentry::config
