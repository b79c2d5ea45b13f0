#include "sip/sofia_request.h"

#include "sip/random_token.h"
#include "sip/response_reader.h"

namespace sipsentry::sip {
namespace {

using Clock = std::chrono::steady_clock;

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

bool stream(engine::Transport transport) {
  return transport != engine::Transport::kUdp;
}

}  // namespace

SofiaRequest::SofiaRequest(RequestContext& context, StackAgent& stack, SipAgent::RequestId id,
                           OutgoingRequest request)
    : context_(context),
      stack_(stack),
      id_(id),
      request_(std::move(request)),
      home_(new_home()),
      one_off_(request_.call_id.empty()) {
  if (request_.domain.empty()) request_.domain = request_.target.host;
  if (request_.call_id.empty()) request_.call_id = random_token() + "@sipsentry";
  if (request_.from_tag.empty()) request_.from_tag = random_token();
}

SofiaRequest::~SofiaRequest() = default;

bool SofiaRequest::start() {
  starting_ = true;
  started_ = Clock::now();
  msg_header_t* authorization = nullptr;
  if (request_.authorize && request_.credentials)
    authorization = context_.challenges().answer(request_.call_id, *request_.credentials,
                                                 engine::to_string(request_.method), request_uri(),
                                                 home_.get());
  bool created = create_transaction(authorization);
  starting_ = false;
  return created;
}

std::string SofiaRequest::request_uri() const {
  // A REGISTER names the domain, an INVITE whom it calls, ACK and BYE the
  // far end of the dialog; anything else the server itself.
  if (request_.method == engine::Method::kRegister) return "sip:" + request_.domain;
  if (request_.method == engine::Method::kInvite) return request_.callee;
  if (in_dialog()) return context_.call_dialog(request_.call_id)->remote_target;
  return "sip:" + request_.target.host + ":" + std::to_string(request_.target.port);
}

/// ACK and BYE of an answered call go in its dialog.
bool SofiaRequest::in_dialog() const {
  bool dialog_method =
      request_.method == engine::Method::kAck || request_.method == engine::Method::kBye;
  CallDialog* dialog = dialog_method ? context_.call_dialog(request_.call_id) : nullptr;
  return dialog && dialog->answered();
}

std::string SofiaRequest::to_header() const {
  if (request_.callee.empty()) return "<sip:" + request_.user + "@" + request_.domain + ">";
  std::string to = "<" + request_.callee + ">";
  if (in_dialog()) to += ";tag=" + context_.call_dialog(request_.call_id)->to_tag;
  return to;
}

/// The dialog's route set as Route headers, when the request goes through
/// the server that carried the INVITE. Through another server (a BYE after
/// a failover) none: a route through the server that failed cannot work,
/// and the request goes to the server the engine names with the remote
/// target as its Request-URI.
std::string SofiaRequest::route_set() const {
  if (!in_dialog()) return "";
  CallDialog* dialog = context_.call_dialog(request_.call_id);
  if (dialog->invite_server != request_.target) return "";
  std::string routes;
  for (const std::string& route : dialog->route_set) routes += (routes.empty() ? "" : ",") + route;
  return routes;
}

std::string SofiaRequest::contact_uri() const {
  return "sip:" + request_.user + "@" + context_.contact_address(request_.target) +
         ";transport=" + engine::to_string(request_.target.transport);
}

bool SofiaRequest::create_transaction(msg_header_t* authorization) {
  using engine::Method;
  if (request_.method == Method::kCancel) return cancel_invite();
  std::string from = "<sip:" + request_.user + "@" + request_.domain + ">;tag=" + request_.from_tag;
  std::string to = to_header();
  std::string route = request_.route_target().route_uri();
  std::string uri = request_uri();
  std::string contact = "<" + contact_uri() + ">";
  std::string expires = request_.expires ? std::to_string(request_.expires->count() / 1000) : "";
  std::string routes = route_set();
  bool registering = request_.method == Method::kRegister;
  bool inviting = request_.method == Method::kInvite;
  CallDialog* call = inviting ? context_.call_dialog(request_.call_id) : nullptr;
  sip_method_t method = sofia_method(request_.method);
  transaction_.reset(nta_outgoing_tcreate(
      stack_.leg(), &SofiaRequest::on_response, this, URL_STRING_MAKE(route.c_str()), method,
      engine::to_string(request_.method), URL_STRING_MAKE(uri.c_str()),
      SIPTAG_FROM_STR(from.c_str()), SIPTAG_TO_STR(to.c_str()),
      SIPTAG_CALL_ID_STR(request_.call_id.c_str()),
      SIPTAG_CSEQ(sip_cseq_create(home_.get(), request_.cseq, method, nullptr)),
      TAG_IF(registering || inviting, SIPTAG_CONTACT_STR(contact.c_str())),
      TAG_IF(registering && request_.expires, SIPTAG_EXPIRES_STR(expires.c_str())),
      TAG_IF(!routes.empty(), SIPTAG_ROUTE_STR(routes.c_str())),
      TAG_IF(call, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
      TAG_IF(call, SIPTAG_PAYLOAD_STR(call ? call->offer.c_str() : "")),
      // Any 1xx, 100 Trying too, stops the engine's failover clock (spec.md §3).
      TAG_IF(inviting, NTATAG_PASS_100(1)),
      TAG_IF(authorization, SIPTAG_HEADER(reinterpret_cast<sip_header_t*>(authorization))),
      TAG_END()));
  return transaction_ != nullptr;
}

/// CANCEL is NTA's own: it copies the INVITE's Request-URI, Via branch,
/// Call-ID, From, To and CSeq number, and goes where the INVITE went.
bool SofiaRequest::cancel_invite() {
  nta_outgoing_t* invite = context_.invite_in_progress(request_.call_id);
  // NTA refuses once the INVITE has its final answer; the engine only
  // cancels a ringing INVITE, whose final answer it has not seen yet.
  if (invite)
    transaction_.reset(nta_outgoing_tcancel(invite, &SofiaRequest::on_response, this, TAG_END()));
  return transaction_ != nullptr;
}

/// An INVITE's 2xx sets up the dialog that its ACK and the BYE go in.
void SofiaRequest::remember_dialog(sip_t const* answer) {
  CallDialog* call = context_.call_dialog(request_.call_id);
  if (!call || call->answered() || !answer || !answer->sip_to) return;
  call->to_tag = answer->sip_to->a_tag ? answer->sip_to->a_tag : "";
  call->remote_target = request_.callee;
  if (answer->sip_contact)
    if (char* target = url_as_string(home_.get(), answer->sip_contact->m_url))
      call->remote_target = target;
  call->route_set.clear();
  for (sip_record_route_t const* rr = answer->sip_record_route; rr; rr = rr->r_next)
    if (char* route = sip_header_as_string(home_.get(), reinterpret_cast<sip_header_t const*>(rr)))
      call->route_set.insert(call->route_set.begin(), route);
}

/// The probe answers one challenge itself: same Call-ID, next CSeq.
bool SofiaRequest::answer_own_challenge() {
  if (challenged_ || !request_.answer_challenge || !request_.credentials) return false;
  challenged_ = true;
  msg_header_t* headers =
      context_.challenges().answer(request_.call_id, *request_.credentials,
                                   engine::to_string(request_.method), request_uri(), home_.get());
  if (!headers) return false;
  ++request_.cseq;
  return create_transaction(headers);
}

bool SofiaRequest::awaiting_connection() const {
  return stream(request_.target.transport) && !connected_ && transaction_;
}

void SofiaRequest::check_connection() {
  if (!awaiting_connection()) return;
  TportRef transport(nta_outgoing_transport(transaction_.get()));
  if (!transport || !tport_is_secondary(transport.get())) return;  // not connecting yet
  if (tport_is_connected(transport.get())) {
    connected_ = true;
    context_.report(*this, make_report(RequestReport::Kind::kConnected));
    return;
  }
  if (!tport_is_closed(transport.get())) return;
  // Closed before it came up, and NTA was told of no error: over TLS, the
  // handshake or the certificate check failed (a refused connection is
  // reported as an error, and answered before this look).
  RequestReport failed = make_report(RequestReport::Kind::kFinal);
  bool tls = request_.target.transport == engine::Transport::kTls;
  failed.outcome = engine::Outcome::failure(tls ? engine::TransportError::kTls
                                                : engine::TransportError::kTcpRefused);
  failed.phrase = tls ? "TLS handshake or certificate verification failed"
                      : "connection closed before it was established";
  context_.report(*this, failed);
}

RequestReport SofiaRequest::make_report(RequestReport::Kind kind) const {
  RequestReport report;
  report.kind = kind;
  report.connected = connected_;
  report.round_trip = std::chrono::duration_cast<engine::Millis>(Clock::now() - started_);
  return report;
}

/// The errno the transport reported for the request, 0 for none.
int SofiaRequest::transport_error() const {
  MsgRef sent(nta_outgoing_getrequest(transaction_.get()));
  return sent ? msg_errno(sent.get()) : 0;
}

void SofiaRequest::on_final(int status, sip_t const* response) {
  if (auto failure = local_failure(status, response, transport_error(), request_.target.transport,
                                   starting_)) {
    RequestReport report =
        make_report(failure->error ? RequestReport::Kind::kFinal : RequestReport::Kind::kGaveUp);
    if (failure->error) report.outcome = engine::Outcome::failure(*failure->error);
    report.phrase = failure->description;
    bool local = failure->error == engine::TransportError::kLocal;
    if ((!failure->error && status != 408) || local)
      context_.log(LogSeverity::kWarning, std::string(engine::to_string(request_.method)) + " to " +
                                              request_.target.route_uri() +
                                              " failed locally: " + failure->description);
    context_.report(*this, report);
    return;
  }
  if (stream(request_.target.transport) && !connected_) {
    // Answered before the connection was looked at: say it was up, first.
    connected_ = true;
    context_.report(*this, make_report(RequestReport::Kind::kConnected));
    if (!context_.wanted(*this)) return;
  }
  url_t* contact = url_make(home_.get(), contact_uri().c_str());
  std::optional<engine::Outcome> outcome = outcome_of(status, response, contact);
  if (!outcome) {
    // A status that means nothing is dropped and counted, never acted on:
    // the engine's budget decides, as for an answer that never came.
    context_.count_out_of_range();
    RequestReport report = make_report(RequestReport::Kind::kGaveUp);
    report.phrase = "status " + std::to_string(status) + " out of range: dropped";
    context_.report(*this, report);
    return;
  }
  if (request_.method == engine::Method::kInvite && status < 300) remember_dialog(response);
  RequestReport report = make_report(RequestReport::Kind::kFinal);
  report.outcome = *outcome;
  if (response && response->sip_status) report.phrase = response->sip_status->st_phrase;
  context_.report(*this, report);
}

int SofiaRequest::on_response(SofiaRequest* self, nta_outgoing_t* transaction,
                              sip_t const* response) {
  int status = nta_outgoing_status(transaction);
  if (status < 200) {
    RequestReport report = self->make_report(RequestReport::Kind::kProvisional);
    report.outcome = engine::Outcome::response(status);
    self->context_.report(*self, report);
    return 0;
  }
  bool challenge = (status == 401 || status == 407) && !made_by_sofia(response);
  bool answering = self->request_.answer_challenge && self->request_.credentials;
  // A one-off request's challenge is never answered by the engine: not kept.
  if (challenge && (!self->one_off_ || answering)) {
    self->context_.challenges().remember(self->request_.call_id, response);
    if (self->answer_own_challenge()) return 0;
  }
  self->on_final(status, response);
  return 0;
}

}  // namespace sipsentry::sip
