// The Resolver on c-ares, driven by the caller's event loop (see resolver.h
// for why c-ares).
#include <ares.h>
#include <arpa/inet.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include "resolve/answer_ttls.h"
#include "resolve/resolv_conf.h"
#include "resolve/resolver.h"

namespace sipsentry::resolve {
namespace {

constexpr int kClassIn = 1;
constexpr uint16_t kTypeSrv = 33;
constexpr uint16_t kTypeNaptr = 35;

Failure failure_of(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
    case ARES_ENONAME:
      return Failure::kNoSuchName;
    case ARES_ENODATA:
      return Failure::kNoRecords;
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED:
      return Failure::kNoResponse;
    case ARES_EBADRESP:
    case ARES_EBADNAME:
    case ARES_EFORMERR:
      return Failure::kMalformed;
    default:  // SERVFAIL, REFUSED, NOTIMP, out of memory, ...
      return Failure::kServerFailure;
  }
}

/// The TTL of each of `count` records from the answer's TTLs of their type:
/// one each when they match one to one, else the smallest for all (a
/// record set shares one TTL anyway, RFC 2181 §5.2).
std::vector<Seconds> ttls_for(size_t count, const std::vector<uint32_t>& ttls) {
  if (ttls.size() == count) return std::vector<Seconds>(ttls.begin(), ttls.end());
  uint32_t smallest = ttls.empty() ? 0 : *std::min_element(ttls.begin(), ttls.end());
  return std::vector<Seconds>(count, Seconds(smallest));
}

std::string text(const unsigned char* value) {
  return value ? reinterpret_cast<const char*>(value) : "";
}

class AresResolver final : public Resolver {
 public:
  explicit AresResolver(LoopHooks& loop) : loop_(loop) {}
  ~AresResolver() override;
  bool start(const ResolverSettings& settings, std::string& error);

  LookupId addresses(const std::string& name, engine::Millis deadline,
                     std::function<void(const Answer<Address>&)> done) override;
  LookupId srv(const std::string& name, engine::Millis deadline,
               std::function<void(const Answer<SrvRecord>&)> done) override;
  LookupId naptr(const std::string& name, engine::Millis deadline,
                 std::function<void(const Answer<NaptrRecord>&)> done) override;
  void cancel(LookupId id) override;

 private:
  /// What c-ares hands back to its callbacks.
  struct Query {
    AresResolver* self;
    LookupId id;
  };
  struct Pending {
    LoopHooks::TimerId deadline;
    std::function<void(Failure)> fail;
  };

  template <typename Record>
  LookupId begin(engine::Millis deadline, std::function<void(const Answer<Record>&)>& done);
  template <typename Record>
  void finish(LookupId id, Answer<Record> answer);
  template <typename Record>
  std::function<void(const Answer<Record>&)>* done_of(LookupId id);
  void deliver_later(std::function<void()> work);
  void rearm();
  void query(const std::string& name, uint16_t type, LookupId id, ares_callback callback);

  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable);
  static void on_addresses(void* arg, int status, int timeouts, ares_addrinfo* result);
  static void on_srv(void* arg, int status, int timeouts, unsigned char* answer, int length);
  static void on_naptr(void* arg, int status, int timeouts, unsigned char* answer, int length);

  LoopHooks& loop_;
  ares_channel channel_ = nullptr;
  std::optional<LoopHooks::TimerId> ares_timer_;
  std::map<LookupId, Pending> pending_;
  // Each lookup's `done`, by kind: typed, so that an answer reaches only a
  // callback of its own kind.
  std::map<LookupId, std::function<void(const Answer<Address>&)>> address_done_;
  std::map<LookupId, std::function<void(const Answer<SrvRecord>&)>> srv_done_;
  std::map<LookupId, std::function<void(const Answer<NaptrRecord>&)>> naptr_done_;
  // Answers waiting for the loop, so that none is delivered inside the call
  // that started its lookup (/etc/hosts answers at once).
  std::vector<std::function<void()>> ready_;
  std::optional<LoopHooks::TimerId> ready_timer_;
  LookupId next_id_ = 1;
};

AresResolver::~AresResolver() {
  pending_.clear();  // ares_destroy's ARES_EDESTRUCTION callbacks find nothing
  if (channel_) ares_destroy(channel_);
  if (ares_timer_) loop_.cancel_timer(*ares_timer_);
  if (ready_timer_) loop_.cancel_timer(*ready_timer_);
}

bool AresResolver::start(const ResolverSettings& settings, std::string& error) {
  static const int initialised = ares_library_init(ARES_LIB_INIT_ALL);
  if (initialised != ARES_SUCCESS) return (error = ares_strerror(initialised)), false;
  ares_options options{};
  options.sock_state_cb = &AresResolver::on_socket_state;
  options.sock_state_cb_data = this;
  // /etc/hosts, then DNS: glibc's "files dns", whatever host.conf says.
  char lookups[] = "fb";
  options.lookups = lookups;
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS;
  // resolv.conf's "timeout:" and "attempts:", which c-ares 1.18 ignores.
  std::ifstream resolv_conf("/etc/resolv.conf");
  if (std::optional<RetryOptions> retry = read_retry_options(resolv_conf)) {
    options.timeout = static_cast<int>(retry->timeout.count());
    options.tries = retry->attempts;
    mask |= ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  }
  int status = ares_init_options(&channel_, &options, mask);
  if (status != ARES_SUCCESS)
    return (error = std::string("cannot start the resolver: ") + ares_strerror(status)), false;
  if (!settings.server.empty()) {
    status = ares_set_servers_ports_csv(channel_, settings.server.c_str());
    if (status != ARES_SUCCESS)
      return (error = "bad DNS server '" + settings.server + "': " + ares_strerror(status)), false;
  }
  return true;
}

template <typename Record>
std::function<void(const Answer<Record>&)>* AresResolver::done_of(LookupId id) {
  auto pick = [&](auto& table) -> std::function<void(const Answer<Record>&)>* {
    auto found = table.find(id);
    return found == table.end() ? nullptr : &found->second;
  };
  if constexpr (std::is_same_v<Record, Address>) return pick(address_done_);
  if constexpr (std::is_same_v<Record, SrvRecord>) return pick(srv_done_);
  if constexpr (std::is_same_v<Record, NaptrRecord>) return pick(naptr_done_);
}

template <typename Record>
Resolver::LookupId AresResolver::begin(engine::Millis deadline,
                                       std::function<void(const Answer<Record>&)>& done) {
  LookupId id = next_id_++;
  if constexpr (std::is_same_v<Record, Address>) address_done_[id] = std::move(done);
  if constexpr (std::is_same_v<Record, SrvRecord>) srv_done_[id] = std::move(done);
  if constexpr (std::is_same_v<Record, NaptrRecord>) naptr_done_[id] = std::move(done);
  auto fail = [this, id](Failure failure) {
    finish<Record>(id, Answer<Record>{.failure = failure});
  };
  // The caller's deadline cuts c-ares' own retries (5, 10, 20, 40 s by default).
  LoopHooks::TimerId timer = loop_.start_timer(deadline, [this, id] {
    auto found = pending_.find(id);
    if (found == pending_.end()) return;
    found->second.deadline = 0;  // fired: nothing to cancel
    found->second.fail(Failure::kNoResponse);
  });
  pending_[id] = Pending{timer, fail};
  return id;
}

/// Ends lookup `id` with `answer`, delivered from the loop; a lookup that
/// ended already (deadline, cancel) ignores late answers.
template <typename Record>
void AresResolver::finish(LookupId id, Answer<Record> answer) {
  auto found = pending_.find(id);
  if (found == pending_.end()) return;
  if (found->second.deadline) loop_.cancel_timer(found->second.deadline);
  pending_.erase(found);
  deliver_later([this, id, answer = std::move(answer)] {
    auto* done = done_of<Record>(id);
    if (!done) return;  // cancelled meanwhile
    auto callback = std::move(*done);
    cancel(id);
    callback(answer);
  });
}

void AresResolver::deliver_later(std::function<void()> work) {
  ready_.push_back(std::move(work));
  if (ready_timer_) return;
  ready_timer_ = loop_.start_timer(engine::Millis(0), [this] {
    ready_timer_.reset();
    std::vector<std::function<void()>> due;
    due.swap(ready_);
    for (auto& work : due) work();
  });
}

void AresResolver::cancel(LookupId id) {
  if (auto found = pending_.find(id); found != pending_.end()) {
    if (found->second.deadline) loop_.cancel_timer(found->second.deadline);
    pending_.erase(found);
  }
  address_done_.erase(id);
  srv_done_.erase(id);
  naptr_done_.erase(id);
}

/// Arms the one timer c-ares wants (its next retry or timeout), if any.
void AresResolver::rearm() {
  if (ares_timer_) loop_.cancel_timer(*ares_timer_);
  ares_timer_.reset();
  timeval buffer{};
  timeval* next = ares_timeout(channel_, nullptr, &buffer);
  if (!next) return;
  engine::Millis delay(next->tv_sec * 1000 + (next->tv_usec + 999) / 1000);
  ares_timer_ = loop_.start_timer(delay, [this] {
    ares_timer_.reset();
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    rearm();
  });
}

void AresResolver::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<AresResolver*>(data);
  if (!readable && !writable) return self->loop_.unwatch(fd);
  self->loop_.watch(fd, writable != 0, [self, fd](bool can_read, bool can_write) {
    ares_process_fd(self->channel_, can_read ? fd : ARES_SOCKET_BAD,
                    can_write ? fd : ARES_SOCKET_BAD);
    self->rearm();
  });
}

Resolver::LookupId AresResolver::addresses(const std::string& name, engine::Millis deadline,
                                           std::function<void(const Answer<Address>&)> done) {
  LookupId id = begin<Address>(deadline, done);
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  // In the order the system gives them: c-ares' RFC 6724 sort would open a
  // socket per address to find a source address, for nothing here.
  hints.ai_flags = ARES_AI_NOSORT;
  ares_getaddrinfo(channel_, name.c_str(), nullptr, &hints, &AresResolver::on_addresses,
                   new Query{this, id});
  rearm();
  return id;
}

void AresResolver::on_addresses(void* arg, int status, int, ares_addrinfo* result) {
  std::unique_ptr<Query> query(static_cast<Query*>(arg));
  if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) return;
  Answer<Address> answer;
  if (status != ARES_SUCCESS) answer.failure = failure_of(status);
  for (ares_addrinfo_node* node = result ? result->nodes : nullptr;
       node && answer.records.size() < kMaxAnswerRecords; node = node->ai_next) {
    char text[INET6_ADDRSTRLEN] = "";
    bool ipv6 = node->ai_family == AF_INET6;
    const void* raw =
        ipv6 ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(node->ai_addr)->sin6_addr)
             : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(node->ai_addr)->sin_addr);
    if ((node->ai_family != AF_INET && !ipv6) ||
        !inet_ntop(node->ai_family, raw, text, sizeof text))
      continue;
    Address address{text, ipv6, Seconds(std::max(node->ai_ttl, 0))};
    if (std::find_if(answer.records.begin(), answer.records.end(), [&](const Address& seen) {
          return seen.ip == address.ip;
        }) == answer.records.end())
      answer.records.push_back(address);
  }
  if (result) ares_freeaddrinfo(result);
  if (!answer.failure && answer.records.empty()) answer.failure = Failure::kNoRecords;
  query->self->finish(query->id, std::move(answer));
}

void AresResolver::query(const std::string& name, uint16_t type, LookupId id,
                         ares_callback callback) {
  ares_query(channel_, name.c_str(), kClassIn, type, callback, new Query{this, id});
  rearm();
}

Resolver::LookupId AresResolver::srv(const std::string& name, engine::Millis deadline,
                                     std::function<void(const Answer<SrvRecord>&)> done) {
  LookupId id = begin<SrvRecord>(deadline, done);
  query(name, kTypeSrv, id, &AresResolver::on_srv);
  return id;
}

/// An SRV or NAPTR answer read with c-ares' `parse` and `convert`, each
/// record with its TTL from the raw answer (c-ares 1.18 drops them).
template <typename Record, typename Reply>
Answer<Record> read_answer(int status, unsigned char* message, int length, uint16_t type,
                           int (*parse)(const unsigned char*, int, Reply**),
                           Record (*convert)(const Reply&)) {
  Answer<Record> answer;
  Reply* replies = nullptr;
  if (status == ARES_SUCCESS) status = parse(message, length, &replies);
  auto ttls = status == ARES_SUCCESS ? answer_ttls({message, static_cast<size_t>(length)}, type)
                                     : std::nullopt;
  if (status != ARES_SUCCESS) {
    answer.failure = failure_of(status);
  } else if (!ttls) {
    answer.failure = Failure::kMalformed;
  } else {
    for (Reply* reply = replies; reply && answer.records.size() < kMaxAnswerRecords;
         reply = reply->next)
      answer.records.push_back(convert(*reply));
    std::vector<Seconds> each = ttls_for(answer.records.size(), *ttls);
    for (size_t i = 0; i < answer.records.size(); ++i) answer.records[i].ttl = each[i];
    if (answer.records.empty()) answer.failure = Failure::kNoRecords;
  }
  if (replies) ares_free_data(replies);
  return answer;
}

SrvRecord srv_record(const ares_srv_reply& reply) {
  return {reply.priority, reply.weight, reply.port, reply.host, Seconds(0)};
}

NaptrRecord naptr_record(const ares_naptr_reply& reply) {
  return {reply.order,         reply.preference,   text(reply.flags),
          text(reply.service), text(reply.regexp), reply.replacement ? reply.replacement : "",
          Seconds(0)};
}

void AresResolver::on_srv(void* arg, int status, int, unsigned char* message, int length) {
  std::unique_ptr<Query> query(static_cast<Query*>(arg));
  if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) return;
  query->self->finish(query->id, read_answer(status, message, length, kTypeSrv,
                                             &ares_parse_srv_reply, &srv_record));
}

Resolver::LookupId AresResolver::naptr(const std::string& name, engine::Millis deadline,
                                       std::function<void(const Answer<NaptrRecord>&)> done) {
  LookupId id = begin<NaptrRecord>(deadline, done);
  query(name, kTypeNaptr, id, &AresResolver::on_naptr);
  return id;
}

void AresResolver::on_naptr(void* arg, int status, int, unsigned char* message, int length) {
  std::unique_ptr<Query> query(static_cast<Query*>(arg));
  if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) return;
  query->self->finish(query->id, read_answer(status, message, length, kTypeNaptr,
                                             &ares_parse_naptr_reply, &naptr_record));
}

}  // namespace

std::unique_ptr<Resolver> Resolver::create(LoopHooks& loop, const ResolverSettings& settings,
                                           std::string& error) {
  auto resolver = std::make_unique<AresResolver>(loop);
  if (!resolver->start(settings, error)) return nullptr;
  return resolver;
}

}  // namespace sipsentry::resolve
