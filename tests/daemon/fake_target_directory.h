#pragma once
// A TargetDirectory for daemon tests: no DNS; the test publishes the record
// set of a host and decides when watchers hear of it.

#include <map>
#include <vector>

#include "resolve/target_directory.h"

namespace sipsentry::testing {

class FakeTargetDirectory : public resolve::TargetDirectory {
 public:
  struct Watcher {
    resolve::ServerName server;
    Listener changed;
  };

  WatchId watch(const resolve::ServerName& server, Listener changed) override {
    WatchId id = next_id_++;
    watchers_[id] = {server, std::move(changed)};
    return id;
  }
  void unwatch(WatchId id) override { watchers_.erase(id); }
  void resolve_once(const resolve::ServerName& server, engine::Millis, Listener done) override {
    once_.push_back({server, std::move(done)});
  }

  /// Tells every watcher of `host`, and every one-shot lookup of it, `resolution`.
  void publish(const std::string& host, const resolve::Resolution& resolution) {
    for (auto& [id, watcher] : std::map<WatchId, Watcher>(watchers_))
      if (watcher.server.host == host && watchers_.contains(id)) watcher.changed(resolution);
    std::vector<Watcher> asked;
    asked.swap(once_);
    for (Watcher& lookup : asked) {
      if (lookup.server.host == host)
        lookup.changed(resolution);
      else
        once_.push_back(std::move(lookup));
    }
  }

  const std::map<WatchId, Watcher>& watchers() const { return watchers_; }

 private:
  std::map<WatchId, Watcher> watchers_;
  std::vector<Watcher> once_;
  WatchId next_id_ = 1;
};

}  // namespace sipsentry::testing
