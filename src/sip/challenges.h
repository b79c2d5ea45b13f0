#pragma once
// Internal to sip/: digest challenges (RFC 2617/7616), answered with
// Sofia-SIP's own auth_client.

#include <map>
#include <string>

#include "sip/sip_agent.h"
#include "sip/sofia_handles.h"

namespace sipsentry::sip {

/// The challenge last received on each Call-ID, kept until a request
/// answers it: the engine answers a 401/407 with a new request (next CSeq)
/// on the same Call-ID, and that request needs the challenge to answer.
class ChallengeStore {
 public:
  /// Keeps the WWW-/Proxy-Authenticate of `response`, if it has one.
  void remember(const std::string& call_id, sip_t const* response);
  /// Authorization headers answering the challenge last received on
  /// `call_id`, allocated in `home`; nullptr when there is none. The
  /// challenge is answered once: it is forgotten here.
  msg_header_t* answer(const std::string& call_id, const Credentials& credentials,
                       const char* method, const std::string& request_uri, su_home_t* home);
  /// Drops the challenge kept for `call_id`, if any (its dialog is over: a
  /// challenge that was never answered would otherwise stay for good).
  void forget(const std::string& call_id) { challenges_.erase(call_id); }
  size_t size() const { return challenges_.size(); }

 private:
  struct Challenge {
    HomePtr home;  // holds `auth`
    msg_auth_t* auth = nullptr;
    bool proxy = false;  // 407: answered with Proxy-Authorization
  };
  std::map<std::string, Challenge> challenges_;
};

}  // namespace sipsentry::sip
