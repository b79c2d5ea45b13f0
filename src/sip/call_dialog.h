#pragma once
// Internal to sip/: what the adapter keeps of one test call.

#include <memory>
#include <string>
#include <vector>

#include "sip/sdp_offer.h"
#include "sip/sip_agent.h"
#include "sip/target.h"

namespace sipsentry::sip {

class StackAgent;

/// One test call, kept by Call-ID from its first INVITE until the line
/// driver ends it (SipAgent::end_call): the RTP port its offer names, the
/// INVITE a CANCEL cancels, and the dialog its 2xx set up (RFC 3261 §12.1.2),
/// which ACK and BYE need.
struct CallDialog {
  std::unique_ptr<RtpSocket> rtp{};
  std::string offer{};  // the SDP body, the same in an INVITE sent again elsewhere
  // The INVITE in progress (0: none): the transaction a CANCEL cancels.
  SipAgent::RequestId invite = 0;
  // The agent and server that carried the last INVITE: its ACK goes the same way.
  StackAgent* invite_stack = nullptr;
  Target invite_server{};
  std::string invite_address{};  // the address invite_server's name resolved to
  // From the 2xx: empty until the call is answered.
  std::string to_tag{};
  std::string remote_target{};         // the 2xx's Contact: ACK's and BYE's Request-URI
  std::vector<std::string> route_set;  // its Record-Route, reversed: ACK's and BYE's Route

  bool answered() const { return !to_tag.empty(); }
};

}  // namespace sipsentry::sip
