#include "engine/outcome.h"

#include <algorithm>

namespace sipsentry::engine {
namespace {

Reason::Kind reason_of(TransportError error) {
  switch (error) {
    case TransportError::kIcmp:
      return Reason::Kind::kIcmp;
    case TransportError::kTcpRefused:
      return Reason::Kind::kTcpRefused;
    case TransportError::kTls:
      return Reason::Kind::kTls;
    case TransportError::kDns:
      return Reason::Kind::kDns;
    case TransportError::kLocal:
      return Reason::Kind::kLocal;
  }
  return Reason::Kind::kTimeout;
}

bool within(const std::optional<Millis>& duration, Millis most) {
  return !duration || (*duration >= 0ms && *duration <= most);
}

}  // namespace

bool Outcome::possible() const {
  bool status_ok = error ? status == 0 : status >= 100 && status <= 699;
  return status_ok && within(retry_after, kMaxRetryAfter) && within(expires, kMaxExpiry);
}

std::string Reason::label() const {
  switch (kind) {
    case Kind::kStatus:
      return "status_" + std::to_string(status);
    case Kind::kIcmp:
      return "icmp";
    case Kind::kTcpRefused:
      return "tcp_refused";
    case Kind::kTcpTimeout:
      return "tcp_timeout";
    case Kind::kTls:
      return "tls";
    case Kind::kDns:
      return "dns";
    case Kind::kLocal:
      return "local";
    case Kind::kTimeout:
      return "timeout";
    case Kind::kAuthFailed:
      return "auth_failed";
    case Kind::kRejected:
      return "rejected";
  }
  return "unknown";
}

bool Reason::unavailable() const {
  return kind != Kind::kAuthFailed && kind != Kind::kRejected;
}

Verdict classify(const Outcome& outcome, const std::vector<int>& unavailable_codes) {
  if (outcome.error) return {Verdict::Kind::kUnavailable, {reason_of(*outcome.error), 0}};
  int status = outcome.status;
  if (std::ranges::find(unavailable_codes, status) != unavailable_codes.end())
    return {Verdict::Kind::kUnavailable, {Reason::Kind::kStatus, status}};
  if (status >= 200 && status < 300) return {Verdict::Kind::kSuccess, {}};
  if (status == 401 || status == 407) return {Verdict::Kind::kChallenge, {}};
  return {Verdict::Kind::kFailed, {Reason::Kind::kRejected, status}};
}

std::string outcome_label(const Verdict& verdict, int status) {
  if (verdict.kind == Verdict::Kind::kUnavailable) return verdict.reason.label();
  return std::to_string(status / 100) + "xx";
}

}  // namespace sipsentry::engine
