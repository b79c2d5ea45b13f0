// The SipAgent on Sofia-SIP's NTA layer. NTA, not NUA: NUA refreshes and
// un-REGISTERs on its own, and here the engine alone decides what goes where.
#include <sofia-sip/su_log.h>

#include <map>
#include <memory>

#include "sip/sofia_request.h"

namespace sipsentry::sip {
namespace {

/// "127.0.0.1:0" -> "sip:127.0.0.1:*", the form nta_agent_create binds.
std::string agent_url(const std::string& bind) {
  size_t colon = bind.rfind(':');
  std::string host = bind.substr(0, colon);
  std::string port = colon == std::string::npos ? "0" : bind.substr(colon + 1);
  if (host == "0.0.0.0" || host.empty()) host = "*";
  return "sip:" + host + ":" + (port == "0" ? "*" : port);
}

/// Sofia's own diagnostics ("tport_udp_error: Connection refused …") repeat
/// what the outcome already says; they stay out of sipsentry's output.
void discard_sofia_log(void*, char const*, va_list) {}

/// A timer of the agent's callers, on the event loop.
struct Timer {
  su_timer_t* handle;
  std::function<void()> fire;
};

class SofiaAgent final : public SipAgent, public SofiaContext {
 public:
  bool start(const std::string& bind, const engine::Timers& timers, std::string& error) {
    started_ = std::chrono::steady_clock::now();
    home_ = static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)));
    // The root's context is the agent: timer callbacks find it there.
    root_ = su_root_create(reinterpret_cast<su_root_magic_t*>(this));
    if (!root_) return (error = "cannot create the SIP event loop"), false;
    std::string url = agent_url(bind);
    // The engine abandons every request at its own budget; the stack's
    // 64*T1 only has to come later, so that it never answers 408 first.
    agent_ =
        nta_agent_create(root_, URL_STRING_MAKE(url.c_str()), nullptr, nullptr,
                         NTATAG_SIP_T1(static_cast<unsigned>(timers.t1.count())),
                         NTATAG_SIP_T2(static_cast<unsigned>(timers.t2.count())),
                         NTATAG_SIP_T4(static_cast<unsigned>(timers.t4.count())),
                         NTATAG_SIP_T1X64(static_cast<unsigned>(timers.t1.count() * 64 + 5000)),
                         NTATAG_UA(1), TAG_END());
    if (!agent_) return (error = "cannot bind SIP to " + bind), false;
    leg_ = nta_leg_tcreate(agent_, nullptr, nullptr, NTATAG_NO_DIALOG(1), TAG_END());
    return true;
  }

  ~SofiaAgent() override {
    requests_.clear();
    for (auto& [id, timer] : timers_) su_timer_destroy(timer.handle);
    if (leg_) nta_leg_destroy(leg_);
    if (agent_) nta_agent_destroy(agent_);
    if (root_) su_root_destroy(root_);
    su_home_unref(home_);
  }

  uint64_t send(const OutgoingRequest& request, Completion done) override {
    uint64_t id = next_id_++;
    auto pending = std::make_unique<SofiaRequest>(*this, request, std::move(done));
    SofiaRequest* raw = pending.get();
    requests_[raw] = std::move(pending);
    ids_[id] = raw;
    if (!raw->start()) {
      RequestResult failed;
      failed.outcome = engine::Outcome::response(500);
      failed.phrase = "request could not be built";
      finish(raw, failed);
    }
    return id;
  }

  void abandon(uint64_t id) override {
    auto found = ids_.find(id);
    if (found == ids_.end()) return;
    requests_.erase(found->second);
    ids_.erase(found);
  }

  void run_until(const std::function<bool()>& finished) override {
    while (!finished()) su_root_step(root_, 50);
  }

  engine::Millis now() const override {
    return std::chrono::duration_cast<engine::Millis>(std::chrono::steady_clock::now() - started_);
  }

  TimerId start_timer(engine::Millis delay, std::function<void()> fire) override {
    TimerId id = next_id_++;
    su_timer_t* handle =
        su_timer_create(su_root_task(root_), static_cast<su_duration_t>(delay.count()));
    timers_[id] = Timer{handle, std::move(fire)};
    su_timer_set(handle, &SofiaAgent::on_timer, reinterpret_cast<su_timer_arg_t*>(id));
    return id;
  }

  void cancel_timer(TimerId id) override {
    auto found = timers_.find(id);
    if (found == timers_.end()) return;
    su_timer_destroy(found->second.handle);
    timers_.erase(found);
  }

  uint64_t malformed_messages() const override {
    usize_t bad_messages = 0;
    nta_agent_get_stats(agent_, NTATAG_S_BAD_MESSAGE_REF(bad_messages), TAG_END());
    return bad_messages;
  }

  su_root_t* root() const override { return root_; }
  nta_agent_t* agent() const override { return agent_; }
  nta_leg_t* leg() const override { return leg_; }

  void finish(SofiaRequest* request, const RequestResult& result) override {
    auto found = requests_.find(request);
    if (found == requests_.end()) return;
    std::unique_ptr<SofiaRequest> owned = std::move(found->second);
    requests_.erase(found);
    std::erase_if(ids_, [request](const auto& entry) { return entry.second == request; });
    owned->done(result);
  }

  void remember_challenge(const std::string& call_id, sip_t const* sip) override {
    if (!sip) return;
    bool proxy = sip->sip_proxy_authenticate != nullptr;
    msg_auth_t const* auth = proxy ? sip->sip_proxy_authenticate : sip->sip_www_authenticate;
    if (!auth) return;
    auto* copy = reinterpret_cast<msg_auth_t*>(
        msg_header_dup(home_, reinterpret_cast<msg_header_t const*>(auth)));
    challenges_[call_id] = {copy, proxy};
  }

  msg_auth_t const* challenge(const std::string& call_id, bool& proxy) const override {
    auto found = challenges_.find(call_id);
    if (found == challenges_.end()) return nullptr;
    proxy = found->second.second;
    return found->second.first;
  }

 private:
  static void on_timer(su_root_magic_t* magic, su_timer_t*, su_timer_arg_t* arg) {
    TimerId id = reinterpret_cast<TimerId>(arg);
    auto* self = reinterpret_cast<SofiaAgent*>(magic);
    auto found = self->timers_.find(id);
    if (found == self->timers_.end()) return;
    std::function<void()> fire = std::move(found->second.fire);
    su_timer_destroy(found->second.handle);
    self->timers_.erase(found);
    fire();
  }

  std::chrono::steady_clock::time_point started_;
  su_home_t* home_ = nullptr;
  su_root_t* root_ = nullptr;
  nta_agent_t* agent_ = nullptr;
  nta_leg_t* leg_ = nullptr;
  uint64_t next_id_ = 1;
  std::map<SofiaRequest*, std::unique_ptr<SofiaRequest>> requests_;
  std::map<uint64_t, SofiaRequest*> ids_;
  std::map<TimerId, Timer> timers_;
  std::map<std::string, std::pair<msg_auth_t*, bool>> challenges_;
};

}  // namespace

std::unique_ptr<SipAgent> SipAgent::create(const std::string& bind, const engine::Timers& timers,
                                           std::string& error) {
  static const bool initialised = [] {
    if (su_init() != 0) return false;
    su_log_redirect(su_log_default, &discard_sofia_log, nullptr);
    return true;
  }();
  if (!initialised) return (error = "cannot initialise Sofia-SIP"), nullptr;
  auto agent = std::make_unique<SofiaAgent>();
  if (!agent->start(bind, timers, error)) return nullptr;
  return agent;
}

}  // namespace sipsentry::sip
