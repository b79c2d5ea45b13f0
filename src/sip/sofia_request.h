#pragma once
// Internal to sip/: one outgoing request on Sofia-SIP's NTA layer.

#include <chrono>
#include <string>

#include "sip/sip_agent.h"

namespace sipsentry::sip {
class SofiaRequest;
}  // namespace sipsentry::sip

// Typed context pointers for Sofia's callbacks (see design.md).
#define NTA_OUTGOING_MAGIC_T sipsentry::sip::SofiaRequest

#include <sofia-sip/auth_client.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

namespace sipsentry::sip {

/// What a request needs of the agent that sends it.
class SofiaContext {
 public:
  virtual ~SofiaContext() = default;
  virtual su_root_t* root() const = 0;
  virtual nta_agent_t* agent() const = 0;
  virtual nta_leg_t* leg() const = 0;
  /// Hands the result over and destroys `request`.
  virtual void finish(SofiaRequest* request, const RequestResult& result) = 0;
  /// Keeps the challenge of a 401/407 for the next request on `call_id`.
  virtual void remember_challenge(const std::string& call_id, sip_t const* sip) = 0;
  /// The challenge last received on `call_id`, if any, and whether it came
  /// from a proxy (407).
  virtual msg_auth_t const* challenge(const std::string& call_id, bool& proxy) const = 0;
};

/// One request from its first send to its final outcome: the transaction,
/// the budget timer, and one digest answer to a challenge.
class SofiaRequest {
 public:
  SofiaRequest(SofiaContext& context, OutgoingRequest request, SipAgent::Completion done);
  ~SofiaRequest();
  SofiaRequest(const SofiaRequest&) = delete;
  SofiaRequest& operator=(const SofiaRequest&) = delete;

  /// Sends the request; false when Sofia refused to build it.
  bool start();

  SipAgent::Completion done;

 private:
  bool create_transaction(msg_header_t* authorization);
  bool answer_challenge();
  msg_header_t* authorization();
  RequestResult result_of(int status, sip_t const* sip) const;
  engine::Millis elapsed() const;
  std::string request_uri() const;
  std::string contact() const;
  static int on_response(SofiaRequest* self, nta_outgoing_t* orq, sip_t const* sip);
  static void on_budget(su_root_magic_t*, su_timer_t*, su_timer_arg_t* self);

  SofiaContext& context_;
  OutgoingRequest request_;
  su_home_t* home_;
  nta_outgoing_t* transaction_ = nullptr;
  su_timer_t* budget_timer_ = nullptr;
  auth_client_t* authenticator_ = nullptr;
  bool challenged_ = false;
  std::string from_tag_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace sipsentry::sip
