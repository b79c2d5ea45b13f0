#include "sip/challenges.h"

namespace sipsentry::sip {

void ChallengeStore::remember(const std::string& call_id, sip_t const* response) {
  if (!response) return;
  bool proxy = response->sip_proxy_authenticate != nullptr;
  msg_auth_t const* auth =
      proxy ? response->sip_proxy_authenticate : response->sip_www_authenticate;
  if (!auth) return;
  Challenge challenge{new_home(), nullptr, proxy};
  challenge.auth = reinterpret_cast<msg_auth_t*>(
      msg_header_dup(challenge.home.get(), reinterpret_cast<msg_header_t const*>(auth)));
  if (challenge.auth) challenges_[call_id] = std::move(challenge);
}

msg_header_t* ChallengeStore::answer(const std::string& call_id, const Credentials& credentials,
                                     const char* method, const std::string& request_uri,
                                     su_home_t* home) {
  auto found = challenges_.find(call_id);
  if (found == challenges_.end()) return nullptr;
  Challenge challenge = std::move(found->second);
  challenges_.erase(found);
  auth_client_t* client = nullptr;  // allocated in `home`, freed with it
  msg_hclass_t* answer_class =
      challenge.proxy ? sip_proxy_authorization_class : sip_authorization_class;
  if (auc_challenge(&client, home, challenge.auth, answer_class) < 0) return nullptr;
  auc_all_credentials(&client, nullptr, nullptr, credentials.user.c_str(),
                      credentials.password.c_str());
  url_t* url = url_make(home, request_uri.c_str());
  msg_header_t* headers = nullptr;
  if (auc_authorization_headers(&client, home, method, url, nullptr, &headers) < 0) return nullptr;
  return headers;
}

}  // namespace sipsentry::sip
