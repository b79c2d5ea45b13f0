#include "probe/one_probe.h"

#include "engine/budget.h"
#include "resolve/cache_policy.h"
#include "resolve/system_draw.h"
#include "sip/random_token.h"

namespace sipsentry::probe {
namespace {

/// The directory ends each lookup by its deadline; this margin only keeps a
/// lost answer from hanging the probe.
constexpr engine::Millis kLostLookupMargin{1000};

Finding judge(const sip::RequestReport& report) {
  engine::Verdict verdict = engine::classify(report.outcome, {500, 503});
  return {verdict,
          engine::outcome_label(verdict, report.outcome.status),
          report.outcome.status,
          report.phrase,
          report.round_trip,
          report.address};
}

/// No final answer within the budget: over TCP/TLS, with or without a connection.
Finding no_answer(bool stream, bool connected, engine::Millis waited) {
  engine::Reason reason{stream && !connected ? engine::Reason::Kind::kTcpTimeout
                                             : engine::Reason::Kind::kTimeout};
  return {{engine::Verdict::Kind::kUnavailable, reason}, reason.label(), 0, "no answer", waited};
}

/// The request's budget and its planned sends (RFC 3261's retransmissions
/// with the default T1/T2) inside it.
void set_budget(sip::OutgoingRequest& request, engine::Millis budget) {
  request.budget = budget;
  request.sends = engine::send_offsets(request.timers, request.budget, request.target.transport,
                                       request.method);
}

/// The server the URI names, for RFC 3263: nullopt unless it is resolved
/// by NAPTR and SRV (a name without a port, and no maddr).
std::optional<resolve::ServerName> srv_server(const std::string& uri) {
  std::string error;
  auto written = sip::parse_uri_server(uri, error);
  if (!written || written->maddr) return std::nullopt;
  resolve::ServerName server{.host = written->target.host};
  if (written->port_given) server.port = written->target.port;
  if (written->transport_given) server.transport = written->target.transport;
  if (!resolve::uses_service_records(server)) return std::nullopt;
  return server;
}

}  // namespace

std::optional<sip::OutgoingRequest> build_request(const ProbeSpec& spec, std::string& error) {
  auto target = sip::parse_target(spec.uri, error);
  if (!target) return std::nullopt;
  sip::OutgoingRequest request{.target = *target, .domain = spec.domain};
  request.tls = spec.tls;
  if (!spec.user.empty()) {
    // A REGISTER that answers one digest challenge. Its own Call-ID, so that
    // a challenge kept for it is dropped when the probe ends (end_call).
    request.method = engine::Method::kRegister;
    request.user = spec.user;
    request.expires = engine::Millis(60'000);
    if (spec.password) {
      request.credentials = sip::Credentials{spec.user, *spec.password};
      request.call_id = sip::random_token() + "@sipsentry";
    }
    request.answer_challenge = true;
  }
  // RFC 3261's retransmissions (default T1/T2) inside the timeout.
  set_budget(request, spec.timeout);
  return request;
}

OneProbe::OneProbe(sip::SipAgent& agent, sip::OutgoingRequest request, Done done)
    : agent_(agent), request_(std::move(request)), done_(std::move(done)) {}

std::shared_ptr<OneProbe> OneProbe::start(sip::SipAgent& agent, const std::string& uri,
                                          sip::OutgoingRequest request, Done done) {
  auto probe = std::make_shared<OneProbe>(agent, std::move(request), std::move(done));
  if (auto server = srv_server(uri))
    probe->route(*server);
  else
    probe->send();
  return probe;
}

/// Resolves the URI's name by RFC 3263 within the first part of the budget
/// (at most the directory's lookup deadline, 9/10 of the budget).
void OneProbe::route(const resolve::ServerName& server) {
  started_ = agent_.now();
  engine::Millis deadline = std::min(resolve::kLookupDeadline, request_.budget * 9 / 10);
  auto self = shared_from_this();
  agent_.directory().resolve_once(server, deadline, [self, server](const resolve::Resolution& got) {
    self->routed(server, got);
  });
  if (finished_ || route_) return;  // answered at once
  timer_ = agent_.start_timer(deadline + kLostLookupMargin, [self, server] {
    self->timer_.reset();
    self->routed(server, {.failed = true, .error = "no answer from the resolver"});
  });
}

/// Aims the request at the first target with what is left of its budget.
/// No target: the lookup failed or gave none, and the probe says why.
void OneProbe::routed(const resolve::ServerName& server, const resolve::Resolution& resolution) {
  if (finished_ || route_) return;
  if (timer_) agent_.cancel_timer(*timer_);
  timer_.reset();
  engine::Millis spent = agent_.now() - started_;
  route_ = SrvRoute{resolution};
  if (!resolution.failed)
    route_->targets = resolve::targets_of(server, resolution, resolve::system_draw());
  if (route_->targets.empty()) {
    std::string why =
        resolution.failed ? resolution.error : "its SRV records say the service is not available";
    finish(judge({.outcome = engine::Outcome::failure(engine::TransportError::kDns),
                  .phrase = "cannot resolve " + server.host + ": " + why,
                  .round_trip = spent}));
    return;
  }
  const resolve::ServiceTarget& first = route_->targets.front();
  request_.target = {first.host, first.port, first.transport};
  set_budget(request_, std::max(request_.budget - spent, engine::Millis(1)));
  send();
}

/// Sends the request; its final answer, or the budget, ends the probe.
void OneProbe::send() {
  auto self = shared_from_this();
  sip::SipAgent::RequestId id =
      agent_.send(request_, [self](const sip::RequestReport& report) { self->reported(report); });
  if (finished_) return;  // reported before send() returned
  sent_ = id;
  started_ = agent_.now();
  timer_ = agent_.start_timer(request_.budget, [self] {
    self->timer_.reset();
    bool stream = self->request_.target.transport != engine::Transport::kUdp;
    self->finish(no_answer(stream, self->connected_, self->agent_.now() - self->started_));
  });
}

void OneProbe::reported(const sip::RequestReport& report) {
  if (report.kind == sip::RequestReport::Kind::kConnected) connected_ = true;
  if (report.kind == sip::RequestReport::Kind::kFinal) {
    sent_.reset();  // over: nothing to abandon
    finish(judge(report));
  }
}

void OneProbe::finish(Finding finding) {
  if (finished_) return;
  stop();
  Done done = std::move(done_);
  done({request_.target, route_, std::move(finding)});
}

void OneProbe::abandon() {
  if (finished_) return;
  stop();
  done_ = nullptr;
}

void OneProbe::stop() {
  finished_ = true;
  if (timer_) agent_.cancel_timer(*timer_);
  timer_.reset();
  if (sent_) agent_.abandon(*sent_);
  sent_.reset();
  if (!request_.call_id.empty()) agent_.end_call(request_.call_id);
}

}  // namespace sipsentry::probe
