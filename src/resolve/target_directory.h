#pragma once
// The shared directory of RFC 3263 record sets: the NAPTR and SRV records
// of every configured server given by name without a port, resolved once
// per name for all who watch it (10,000 lines naming one PBX cause one
// lookup, not 10,000), re-resolved when their TTL has passed (within the
// floor and ceiling of cache_policy.h), and announced to the watchers only
// when the record set changed.
//
// The directory keeps record sets, not an order: each user draws its own
// RFC 2782 order with targets_of(), so that the weights spread lines over
// the targets of one priority as they spread phones.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "resolve/cache_policy.h"
#include "resolve/loop_hooks.h"
#include "resolve/resolution.h"
#include "resolve/resolver.h"
#include "resolve/rfc3263.h"

namespace sipsentry::resolve {

class TargetDirectory {
 public:
  /// Over `resolver` and the loop's timers; both outlive the directory.
  static std::unique_ptr<TargetDirectory> create(Resolver& resolver, LoopHooks& loop,
                                                 const RefreshPolicy& policy = {});
  virtual ~TargetDirectory() = default;

  using WatchId = uint64_t;
  using Listener = std::function<void(const Resolution&)>;
  /// Calls `changed` on the loop (never from inside watch) with the
  /// server's record set -- the one resolved already for another watcher
  /// of the same name, or the first lookup's -- and again only when a
  /// re-resolution gives different records. A lookup that no DNS server
  /// answers keeps the last good set (a first one is reported failed) and
  /// is retried after the policy's retry delay. A server with a port or an
  /// IP literal has no records: `changed` is called once, with none.
  virtual WatchId watch(const ServerName& server, Listener changed) = 0;
  /// `changed` is never called again. The last watcher of a name stops its
  /// re-resolution and the name is forgotten. Unknown ids are ignored.
  virtual void unwatch(WatchId id) = 0;
  /// One lookup now, for one-shot commands: `done` is called once on the
  /// loop, at the latest after `deadline` (then failed). Not cached.
  virtual void resolve_once(const ServerName& server, engine::Millis deadline, Listener done) = 0;
};

}  // namespace sipsentry::resolve
