#include "sip/sofia_request.h"

#include "sip/random_token.h"

namespace sipsentry::sip {
namespace {

using Clock = std::chrono::steady_clock;

// Sofia marks the responses it makes itself (ICMP, refused connections, its
// own timeouts) with this flag; the constant lives in a private header.
constexpr unsigned kSofiaInternalMessage = 1u << 15;

sip_method_t sofia_method(engine::Method method) {
  switch (method) {
    case engine::Method::kRegister:
      return sip_method_register;
    case engine::Method::kOptions:
      return sip_method_options;
    case engine::Method::kInvite:
      return sip_method_invite;
    case engine::Method::kAck:
      return sip_method_ack;
    case engine::Method::kBye:
      return sip_method_bye;
    case engine::Method::kCancel:
      return sip_method_cancel;
  }
  return sip_method_unknown;
}

/// A response Sofia made up for a transport failure, as spec.md §2 names it.
std::optional<engine::TransportError> local_failure(int status, engine::Transport transport) {
  if (status != 503) return std::nullopt;
  return transport == engine::Transport::kUdp ? engine::TransportError::kIcmp
                                              : engine::TransportError::kTcpRefused;
}

}  // namespace

SofiaRequest::SofiaRequest(SofiaContext& context, OutgoingRequest request,
                           SipAgent::Completion completion)
    : done(std::move(completion)),
      context_(context),
      request_(std::move(request)),
      home_(static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)))),
      from_tag_(random_token()) {
  if (request_.domain.empty()) request_.domain = request_.target.host;
  if (request_.call_id.empty()) request_.call_id = random_token() + "@sipsentry";
  if (!request_.from_tag.empty()) from_tag_ = request_.from_tag;
}

SofiaRequest::~SofiaRequest() {
  if (transaction_) nta_outgoing_destroy(transaction_);
  if (budget_timer_) su_timer_destroy(budget_timer_);
  su_home_unref(home_);
}

bool SofiaRequest::start() {
  started_ = Clock::now();
  // The budget is the engine's decision (spec.md §3), timed here rather
  // than left to the stack's own timers.
  budget_timer_ = su_timer_create(su_root_task(context_.root()),
                                  static_cast<su_duration_t>(request_.budget.count()));
  if (!budget_timer_) return false;
  su_timer_set(budget_timer_, &SofiaRequest::on_budget, this);
  return create_transaction(request_.authorize ? authorization() : nullptr);
}

std::string SofiaRequest::request_uri() const {
  // A REGISTER names the domain; anything else the server itself.
  if (request_.method == engine::Method::kRegister) return "sip:" + request_.domain;
  return "sip:" + request_.target.host + ":" + std::to_string(request_.target.port);
}

std::string SofiaRequest::contact() const {
  const sip_contact_t* ours = nta_agent_contact(context_.agent());
  std::string host = ours && ours->m_url->url_host ? ours->m_url->url_host : "127.0.0.1";
  std::string port = ours && ours->m_url->url_port ? ours->m_url->url_port : "5060";
  return "<sip:" + request_.user + "@" + host + ":" + port +
         ";transport=" + engine::to_string(request_.target.transport) + ">";
}

bool SofiaRequest::create_transaction(msg_header_t* authorization) {
  std::string from = "<sip:" + request_.user + "@" + request_.domain + ">;tag=" + from_tag_;
  std::string to = "<sip:" + request_.user + "@" + request_.domain + ">";
  std::string route = request_.target.route_uri();
  std::string uri = request_uri();
  std::string expires = request_.expires ? std::to_string(request_.expires->count() / 1000) : "";
  bool registering = request_.method == engine::Method::kRegister;
  sip_method_t method = sofia_method(request_.method);
  transaction_ = nta_outgoing_tcreate(
      context_.leg(), &SofiaRequest::on_response, this, URL_STRING_MAKE(route.c_str()), method,
      engine::to_string(request_.method), URL_STRING_MAKE(uri.c_str()),
      SIPTAG_FROM_STR(from.c_str()), SIPTAG_TO_STR(to.c_str()),
      SIPTAG_CALL_ID_STR(request_.call_id.c_str()),
      SIPTAG_CSEQ(sip_cseq_create(home_, request_.cseq, method, nullptr)),
      TAG_IF(registering, SIPTAG_CONTACT_STR(contact().c_str())),
      TAG_IF(registering && request_.expires, SIPTAG_EXPIRES_STR(expires.c_str())),
      TAG_IF(authorization, SIPTAG_HEADER(reinterpret_cast<sip_header_t*>(authorization))),
      TAG_END());
  return transaction_ != nullptr;
}

/// Digest credentials for the challenge last received on this Call-ID.
msg_header_t* SofiaRequest::authorization() {
  bool proxy = false;
  msg_auth_t const* challenge = context_.challenge(request_.call_id, proxy);
  if (!challenge || !request_.credentials) return nullptr;
  if (auc_challenge(&authenticator_, home_, challenge,
                    proxy ? sip_proxy_authorization_class : sip_authorization_class) < 0)
    return nullptr;
  auc_all_credentials(&authenticator_, nullptr, nullptr, request_.credentials->user.c_str(),
                      request_.credentials->password.c_str());
  msg_header_t* headers = nullptr;
  std::string uri = request_uri();
  url_t* url = url_hdup(home_, URL_STRING_MAKE(uri.c_str())->us_url);
  if (auc_authorization_headers(&authenticator_, home_, engine::to_string(request_.method), url,
                                nullptr, &headers) < 0)
    return nullptr;
  return headers;
}

/// The probe answers one challenge itself: same Call-ID, next CSeq.
bool SofiaRequest::answer_challenge() {
  if (challenged_ || !request_.answer_challenge) return false;
  challenged_ = true;
  msg_header_t* headers = authorization();
  if (!headers) return false;
  nta_outgoing_destroy(transaction_);
  ++request_.cseq;
  return create_transaction(headers);
}

engine::Millis SofiaRequest::elapsed() const {
  return std::chrono::duration_cast<engine::Millis>(Clock::now() - started_);
}

RequestResult SofiaRequest::result_of(int status, sip_t const* sip) const {
  RequestResult result;
  result.round_trip = elapsed();
  bool internal = sip && (sip->sip_flags & kSofiaInternalMessage);
  if (auto failure = internal ? local_failure(status, request_.target.transport) : std::nullopt) {
    result.outcome = engine::Outcome::failure(*failure);
    result.phrase = engine::Reason{.kind = failure == engine::TransportError::kIcmp
                                               ? engine::Reason::Kind::kIcmp
                                               : engine::Reason::Kind::kTcpRefused}
                        .label();
    return result;
  }
  result.outcome = engine::Outcome::response(status);
  result.connected = request_.target.transport != engine::Transport::kUdp;
  if (sip && sip->sip_status && sip->sip_status->st_phrase)
    result.phrase = sip->sip_status->st_phrase;
  if (sip && sip->sip_retry_after)
    result.outcome.retry_after = engine::Millis(sip->sip_retry_after->af_delta * 1000);
  if (sip && sip->sip_expires)
    result.outcome.expires = engine::Millis(sip->sip_expires->ex_delta * 1000);
  if (sip && sip->sip_contact && sip->sip_contact->m_expires)
    result.outcome.expires =
        engine::Millis(std::strtoll(sip->sip_contact->m_expires, nullptr, 10) * 1000);
  return result;
}

int SofiaRequest::on_response(SofiaRequest* self, nta_outgoing_t* orq, sip_t const* sip) {
  int status = nta_outgoing_status(orq);
  if (status < 200) return 0;  // provisional: the budget keeps running (INVITE comes later)
  if (status == 401 || status == 407) {
    self->context_.remember_challenge(self->request_.call_id, sip);
    if (self->answer_challenge()) return 0;
  }
  self->context_.finish(self, self->result_of(status, sip));
  return 0;
}

void SofiaRequest::on_budget(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
  auto* self = static_cast<SofiaRequest*>(arg);
  RequestResult result;
  result.timed_out = true;
  result.round_trip = self->elapsed();
  self->context_.finish(self, result);
}

}  // namespace sipsentry::sip
