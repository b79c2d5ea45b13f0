#pragma once
// Internal to sip/: one outgoing request on Sofia-SIP's NTA layer.

#include <chrono>
#include <string>

#include "sip/call_dialog.h"
#include "sip/challenges.h"
#include "sip/sip_agent.h"
#include "sip/sofia_handles.h"
#include "sip/stack_agent.h"

namespace sipsentry::sip {

/// What a request needs of the agent that sends it.
class RequestContext {
 public:
  virtual ~RequestContext() = default;
  virtual ChallengeStore& challenges() = 0;
  /// "host:port" for the Contact: the listening agent's address of the
  /// target's family (IPv4 or IPv6).
  virtual std::string contact_address(const Target& target) const = 0;
  /// Hands `report` to the request's listener. A finished() report
  /// destroys `request`: the caller returns at once after it.
  virtual void report(SofiaRequest& request, const RequestReport& report) = 0;
  /// False once the request was abandoned (perhaps by the listener of its
  /// last report): it must report nothing more.
  virtual bool wanted(const SofiaRequest& request) const = 0;
  virtual void log(LogSeverity severity, const std::string& text) = 0;
  /// A response was dropped for a number out of range (its status).
  virtual void count_out_of_range() = 0;
  /// The test call on `call_id`; nullptr when there is none.
  virtual CallDialog* call_dialog(const std::string& call_id) = 0;
  /// The transaction of the call's INVITE still in progress; nullptr when none.
  virtual nta_outgoing_t* invite_in_progress(const std::string& call_id) = 0;
};

/// One request from its first send to its end: the NTA transaction, the
/// connection it waits for, and (for the probe) one answer to a challenge.
class SofiaRequest {
 public:
  SofiaRequest(RequestContext& context, StackAgent& stack, SipAgent::RequestId id,
               OutgoingRequest request);
  ~SofiaRequest();
  SofiaRequest(const SofiaRequest&) = delete;
  SofiaRequest& operator=(const SofiaRequest&) = delete;

  SipAgent::RequestId id() const { return id_; }
  nta_outgoing_t* transaction() const { return transaction_.get(); }
  /// Sends the request; false when Sofia refused to build it.
  bool start();
  /// True until start() has returned: reports must wait for it.
  bool starting() const { return starting_; }
  /// TCP/TLS: true while the request still waits for its connection.
  bool awaiting_connection() const;
  /// Looks at the connection once: reports kConnected when it is up, or the
  /// failure when it closed without coming up (a TLS handshake or
  /// certificate failure: NTA itself would wait out the lifetime).
  void check_connection();

 private:
  bool create_transaction(msg_header_t* authorization);
  bool cancel_invite();
  void remember_dialog(sip_t const* answer);
  bool in_dialog() const;
  std::string to_header() const;
  std::string route_set() const;
  bool answer_own_challenge();
  void on_final(int status, sip_t const* response);
  RequestReport make_report(RequestReport::Kind kind) const;
  int transport_error() const;
  std::string request_uri() const;
  std::string contact_uri() const;
  static int on_response(SofiaRequest* self, nta_outgoing_t* transaction, sip_t const* response);

  RequestContext& context_;
  StackAgent& stack_;
  SipAgent::RequestId id_;
  OutgoingRequest request_;
  HomePtr home_;
  OutgoingPtr transaction_;
  bool one_off_;  // a Call-ID of its own: its challenges are not kept
  bool starting_ = false;
  bool challenged_ = false;
  bool connected_ = false;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace sipsentry::sip
