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

class SofiaAgent final : public SipAgent, public SofiaContext {
 public:
  bool start(const std::string& bind, const engine::Timers& timers, std::string& error) {
    root_ = su_root_create(nullptr);
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
    if (leg_) nta_leg_destroy(leg_);
    if (agent_) nta_agent_destroy(agent_);
    if (root_) su_root_destroy(root_);
  }

  void send(const OutgoingRequest& request, Completion done) override {
    auto pending = std::make_unique<SofiaRequest>(*this, request, std::move(done));
    SofiaRequest* raw = pending.get();
    requests_[raw] = std::move(pending);
    if (!raw->start())
      finish(raw,
             RequestResult{
                 engine::Outcome::response(500), false, false, "request could not be built", {}});
  }

  void run_until(const std::function<bool()>& finished) override {
    while (!finished()) su_root_step(root_, 50);
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
    owned->done(result);
  }

 private:
  su_root_t* root_ = nullptr;
  nta_agent_t* agent_ = nullptr;
  nta_leg_t* leg_ = nullptr;
  std::map<SofiaRequest*, std::unique_ptr<SofiaRequest>> requests_;
};

}  // namespace

/// Sofia's own diagnostics ("tport_udp_error: Connection refused …") repeat
/// what the outcome already says; they stay out of sipsentry's output.
/// TODO(issue 5): pass them to the event log at debug level.
static void discard_sofia_log(void*, char const*, va_list) {}

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
