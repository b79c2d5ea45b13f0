#pragma once
// Internal to sip/: one NTA agent, its sockets and its timer profile.

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "sip/ca_directory.h"
#include "sip/sip_agent.h"
#include "sip/sofia_handles.h"

namespace sipsentry::sip {

/// What NTA keeps per agent rather than per request: T1, T2, T4, the
/// transaction lifetime (T1X64) and the TLS verification policy. Requests
/// that differ in any of these go through different agents.
struct StackProfile {
  engine::Timers timers{};
  engine::Millis lifetime = engine::Millis(32'000);
  std::optional<TlsPolicy> tls{};  // set for TLS requests only

  auto key() const {
    return std::tuple(timers.t1.count(), timers.t2.count(), timers.t4.count(), lifetime.count(),
                      tls.has_value(), tls && tls->verify, tls ? tls->ca_file : std::string());
  }
};

/// An NTA agent bound to one address or more (UDP and TCP on one port,
/// plus TLS on another when its profile has one), with the dialog-less leg
/// that every request goes out on. NTA sends each request from a socket of
/// its server's address family.
class StackAgent {
 public:
  /// Each of `binds` is "HOST:PORT" (port 0: any free port); one of each
  /// address family makes an agent that reaches IPv4 and IPv6 servers.
  static std::unique_ptr<StackAgent> create(su_root_t* root, const std::vector<std::string>& binds,
                                            const StackProfile& profile,
                                            const AgentOptions& options, std::string& error);

  nta_agent_t* agent() const { return agent_.get(); }
  nta_leg_t* leg() const { return leg_.get(); }
  /// The host ("[::1]" for IPv6) and port of this agent's UDP socket of
  /// that address family; the first bound when it has none of that family.
  std::string host(bool ipv6 = false) const;
  uint16_t port(bool ipv6 = false) const;
  /// Messages from the network that failed to parse and were dropped.
  uint64_t bad_messages() const;

 private:
  StackAgent() = default;
  bool add_tls(const TlsPolicy& policy, const std::string& host, const AgentOptions& options,
               std::string& error);

  static std::unique_ptr<StackAgent> create_ordered(su_root_t* root,
                                                    const std::vector<std::string>& binds,
                                                    const StackProfile& profile,
                                                    const AgentOptions& options,
                                                    std::string& error);
  bool add_transports(const std::string& bind, std::string& error);
  tp_name_t const* bound(bool ipv6) const;

  std::unique_ptr<CaDirectory> ca_directory_;
  AgentPtr agent_;
  LegPtr leg_;  // declared after agent_: destroyed before it
};

}  // namespace sipsentry::sip
