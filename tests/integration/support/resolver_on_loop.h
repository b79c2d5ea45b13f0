#pragma once
// The resolver on the adapter's event loop, asking one DNS server: what the
// resolver and directory tests run on. Header-only: it needs Sofia-SIP's
// headers (sip/'s internals), which only those tests link.

#include <memory>
#include <stdexcept>
#include <string>

#include "resolve/resolver.h"
#include "sip/event_loop.h"
#include "sip/loop_hooks.h"

namespace sipsentry::testing {

struct ResolverOnLoop {
  /// Throws when the loop or the resolver cannot start.
  explicit ResolverOnLoop(const std::string& dns_server) {
    std::string error;
    loop = sip::EventLoop::create(error);
    if (!loop) throw std::runtime_error(error);
    hooks = std::make_unique<sip::SofiaLoopHooks>(*loop);
    resolver = resolve::Resolver::create(*hooks, {.server = dns_server}, error);
    if (!resolver) throw std::runtime_error(error);
  }

  std::unique_ptr<sip::EventLoop> loop;
  std::unique_ptr<sip::SofiaLoopHooks> hooks;
  std::unique_ptr<resolve::Resolver> resolver;
};

}  // namespace sipsentry::testing
