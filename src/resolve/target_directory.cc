#include "resolve/target_directory.h"

#include <algorithm>
#include <cctype>

#include "resolve/record_lookup.h"

namespace sipsentry::resolve {
namespace {

/// Servers whose lookups are the same share one record set: the same host
/// (names are case-insensitive), configured port and transport, and allowed
/// transports (they decide which SRV names are asked).
std::string key_of(const ServerName& server) {
  std::string key = server.host;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  key += "|" + (server.port ? std::to_string(*server.port) : std::string("-"));
  key += "|" + std::string(server.transport ? engine::to_string(*server.transport) : "-");
  for (engine::Transport allowed : server.allowed)
    key += std::string("|") + engine::to_string(allowed);
  return key;
}

class SharedDirectory final : public TargetDirectory {
 public:
  SharedDirectory(Resolver& resolver, LoopHooks& loop, const RefreshPolicy& policy)
      : resolver_(resolver), loop_(loop), policy_(policy) {}
  ~SharedDirectory() override;

  WatchId watch(const ServerName& server, Listener changed) override;
  void unwatch(WatchId id) override;
  void resolve_once(const ServerName& server, engine::Millis deadline, Listener done) override;

 private:
  /// One record set and everyone who watches it.
  struct Name {
    ServerName server;
    std::map<WatchId, Listener> watchers{};
    std::optional<Resolution> current{};  // what the watchers were told
    std::unique_ptr<RecordLookup> lookup{};
    std::optional<LoopHooks::TimerId> refresh{};  // the next re-resolution
  };

  void resolve(const std::string& key);
  void resolved(const std::string& key, Resolution resolution);
  void tell(const std::string& key, const std::vector<WatchId>& watchers);

  Resolver& resolver_;
  LoopHooks& loop_;
  RefreshPolicy policy_;
  std::map<std::string, Name> names_;
  std::map<WatchId, std::string> keys_;  // each watcher's name
  // Watchers who joined a name resolved already, and are told its record
  // set from the loop.
  std::map<WatchId, LoopHooks::TimerId> greetings_;
  std::map<uint64_t, std::unique_ptr<RecordLookup>> once_;
  uint64_t next_id_ = 1;
};

SharedDirectory::~SharedDirectory() {
  for (auto& [key, name] : names_)
    if (name.refresh) loop_.cancel_timer(*name.refresh);
  for (auto& [id, timer] : greetings_) loop_.cancel_timer(timer);
}

TargetDirectory::WatchId SharedDirectory::watch(const ServerName& server, Listener changed) {
  WatchId id = next_id_++;
  std::string key = key_of(server);
  keys_[id] = key;
  auto [found, added] = names_.try_emplace(key, Name{.server = server});
  Name& name = found->second;
  name.watchers[id] = std::move(changed);
  if (added) {
    resolve(key);
  } else if (name.current) {
    greetings_[id] = loop_.start_timer(engine::Millis(0), [this, id, key] {
      greetings_.erase(id);
      tell(key, {id});
    });
  }  // else: told when the lookup in progress ends
  return id;
}

void SharedDirectory::unwatch(WatchId id) {
  auto key = keys_.find(id);
  if (key == keys_.end()) return;
  if (auto greeting = greetings_.find(id); greeting != greetings_.end()) {
    loop_.cancel_timer(greeting->second);
    greetings_.erase(greeting);
  }
  auto found = names_.find(key->second);
  keys_.erase(key);
  if (found == names_.end()) return;
  found->second.watchers.erase(id);
  if (!found->second.watchers.empty()) return;
  // The last watcher: no more lookups for this name.
  if (found->second.refresh) loop_.cancel_timer(*found->second.refresh);
  names_.erase(found);
}

void SharedDirectory::resolve_once(const ServerName& server, engine::Millis deadline,
                                   Listener done) {
  uint64_t id = next_id_++;
  once_[id] = std::make_unique<RecordLookup>(
      resolver_, loop_, server, deadline, [this, id, done](const Resolution& got) {
        auto finished = std::move(once_[id]);  // destroyed after `done`
        once_.erase(id);
        Resolution resolution = got;
        resolution.lifetime = record_set_lifetime(resolution, policy_);
        done(resolution);
      });
}

void SharedDirectory::resolve(const std::string& key) {
  Name& name = names_.at(key);
  name.refresh.reset();
  name.lookup = std::make_unique<RecordLookup>(
      resolver_, loop_, name.server, policy_.lookup_deadline,
      [this, key](const Resolution& resolution) { resolved(key, resolution); });
}

/// A lookup of `key` ended: keeps the record set (the last good one when
/// no DNS server answered), plans the next lookup, and tells the watchers
/// when the records changed.
void SharedDirectory::resolved(const std::string& key, Resolution resolution) {
  auto found = names_.find(key);
  if (found == names_.end()) return;
  Name& name = found->second;
  auto finished = std::move(name.lookup);  // destroyed once this returns
  resolution.lifetime = record_set_lifetime(resolution, policy_);
  bool changed = !name.current || (!resolution.failed && !same_records(*name.current, resolution));
  bool keep_last_good = resolution.failed && name.current && !name.current->failed;
  if (!keep_last_good) name.current = resolution;  // the same records' new TTLs, too
  if (uses_service_records(name.server))
    name.refresh = loop_.start_timer(resolution.lifetime, [this, key] { resolve(key); });
  if (!changed) return;
  std::vector<WatchId> told;
  for (const auto& [id, listener] : name.watchers)
    if (!greetings_.contains(id)) told.push_back(id);
  tell(key, told);
}

/// Calls each of `watchers` with the name's record set. A listener may
/// watch or unwatch anything, even the name itself.
void SharedDirectory::tell(const std::string& key, const std::vector<WatchId>& watchers) {
  auto found = names_.find(key);
  if (found == names_.end() || !found->second.current) return;
  // One copy for all: a listener may erase the name, and with it `current`.
  const Resolution resolution = *found->second.current;
  for (WatchId id : watchers) {
    found = names_.find(key);
    if (found == names_.end()) return;
    auto watcher = found->second.watchers.find(id);
    if (watcher == found->second.watchers.end()) continue;
    Listener listener = watcher->second;  // it may unwatch itself
    listener(resolution);
  }
}

}  // namespace

std::unique_ptr<TargetDirectory> TargetDirectory::create(Resolver& resolver, LoopHooks& loop,
                                                         const RefreshPolicy& policy) {
  return std::make_unique<SharedDirectory>(resolver, loop, policy);
}

}  // namespace sipsentry::resolve
