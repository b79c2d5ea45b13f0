#pragma once
// Internal to resolve/: one resolution of a server's RFC 3263 records --
// NAPTR (unless a transport is configured), then every SRV name at once --
// within one deadline.

#include <functional>
#include <optional>
#include <vector>

#include "resolve/loop_hooks.h"
#include "resolve/resolution.h"
#include "resolve/resolver.h"

namespace sipsentry::resolve {

class RecordLookup {
 public:
  using Done = std::function<void(const Resolution&)>;
  /// Starts at once; `done` runs once, on the loop, never from inside the
  /// constructor. `done` may destroy the lookup. A name that does not exist
  /// or has no records of a type is an answer (no records); a DNS server
  /// that does not answer, fails, or answers garbage fails the lookup.
  RecordLookup(Resolver& resolver, LoopHooks& loop, const ServerName& server,
               engine::Millis deadline, Done done);
  /// Cancels what is still asked; `done` never runs.
  ~RecordLookup();
  RecordLookup(const RecordLookup&) = delete;
  RecordLookup& operator=(const RecordLookup&) = delete;

 private:
  void ask_naptr();
  void ask_srv();
  void on_srv(const ServiceName& name, const Answer<SrvRecord>& answer);
  void fail(const std::string& why);
  void finish();

  Resolver& resolver_;
  LoopHooks& loop_;
  ServerName server_;
  engine::Millis deadline_;
  Done done_;
  Resolution resolution_{};
  // Every query asked (cancelling one that has answered is harmless), and
  // how many SRV answers are still awaited.
  std::vector<Resolver::LookupId> asked_;
  size_t srv_awaited_ = 0;
  std::optional<LoopHooks::TimerId> timer_;  // the deadline, or the answer without records
};

}  // namespace sipsentry::resolve
