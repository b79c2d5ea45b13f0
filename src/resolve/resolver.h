#pragma once
// Asynchronous name resolution on the project's event loop, with c-ares.
//
// Why c-ares (Debian libc-ares2, 1.18.1) and not Sofia-SIP's sresolv: it
// resolves as the system does (/etc/hosts first, then the DNS servers of
// /etc/resolv.conf with its timeout and attempts, like glibc's "files dns"),
// it is asynchronous and plugs into a foreign event loop (socket-state
// callback, ares_timeout, ares_process_fd), and it keeps no cache of its
// own, so that the TTLs decide (resolve/cache_policy.h). sresolv has no
// /etc/hosts code at all ("localhost" does not resolve), caches a negative
// answer for 600 s and keeps retrying a dead DNS server for about 64 s
// (design.md, "Name resolution").

#include <functional>
#include <memory>
#include <string>

#include "resolve/loop_hooks.h"
#include "resolve/records.h"

namespace sipsentry::resolve {

struct ResolverSettings {
  /// "IP:PORT" of the one DNS server to ask instead of /etc/resolv.conf's
  /// (tests point it at a dnsmasq on a loopback port). Empty: the system's.
  std::string server{};
};

class Resolver {
 public:
  /// Returns nullptr and says why in `error` when c-ares cannot start
  /// (or `settings.server` is not IP:PORT).
  static std::unique_ptr<Resolver> create(LoopHooks& loop, const ResolverSettings& settings,
                                          std::string& error);
  virtual ~Resolver() = default;

  using LookupId = uint64_t;
  /// Each lookup calls its `done` exactly once, on the loop and never from
  /// inside the call that started it, at the latest when `deadline` (from
  /// now) has passed (then with Failure::kNoResponse) -- unless cancelled.
  ///
  /// A and AAAA records of `name`, /etc/hosts first (IPv4 and IPv6 alike,
  /// in the order the system gives them).
  virtual LookupId addresses(const std::string& name, engine::Millis deadline,
                             std::function<void(const Answer<Address>&)> done) = 0;
  /// SRV records of `name` ("_sip._udp.example.com"), as the server sent them.
  virtual LookupId srv(const std::string& name, engine::Millis deadline,
                       std::function<void(const Answer<SrvRecord>&)> done) = 0;
  /// NAPTR records of `name`, as the server sent them.
  virtual LookupId naptr(const std::string& name, engine::Millis deadline,
                         std::function<void(const Answer<NaptrRecord>&)> done) = 0;
  /// The lookup's `done` never runs. Unknown or finished ids are ignored.
  virtual void cancel(LookupId id) = 0;
};

}  // namespace sipsentry::resolve
