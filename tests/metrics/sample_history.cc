#include "sample_history.h"

namespace sipsentry::metrics::testing {
namespace {

using namespace engine;

RequestFinished answered(size_t server, Method method, int status, Millis duration) {
  std::string outcome = std::to_string(status / 100) + "xx";
  std::optional<Reason> reason;
  if (status >= 300) reason = Reason{Reason::Kind::kRejected, status};
  return RequestFinished{server, method, true, outcome, status, reason, duration};
}

RequestFinished unavailable(size_t server, Method method, Reason reason, Millis duration) {
  int status = reason.kind == Reason::Kind::kStatus ? reason.status : 0;
  return RequestFinished{server, method, false, reason.label(), status, reason, duration};
}

StateChanged state(LineState from, LineState to, std::optional<Reason> reason = std::nullopt) {
  return StateChanged{from, to, reason};
}

}  // namespace

LineSettings reception_line() {
  LineSettings line;
  line.name = "reception";
  line.user = "1001";
  line.domain = "pbx.example.com";
  line.servers = {{.name = "pbx-a", .address = "192.0.2.10"},
                  {.name = "pbx-b", .address = "192.0.2.11", .transport = Transport::kTcp},
                  {.name = "pbx-c", .address = "192.0.2.12"}};
  line.test_call = TestCallSettings{.target = "sip:*43@pbx.example.com"};
  return line;
}

MetricsRecorder::WallTime epoch() {
  return MetricsRecorder::WallTime(1'700'000'000s);
}

void record_at(MetricsRecorder& recorder, const LineSettings& line, Millis offset,
               const decltype(Event::what)& what) {
  recorder.record(line, Event{offset, what}, epoch() + offset);
}

void record_history(MetricsRecorder& recorder, const LineSettings& line) {
  const Reason timeout{Reason::Kind::kTimeout};
  const Reason icmp{Reason::Kind::kIcmp};
  const Reason busy{Reason::Kind::kStatus, 503};
  auto at = [&](Millis offset, const decltype(Event::what)& what) {
    record_at(recorder, line, offset, what);
  };
  recorder.config_loaded(true, epoch());
  // Registered on the primary; the others observed.
  at(0s, answered(0, Method::kRegister, 200, 35ms));
  at(0s, state(LineState::kRegistering, LineState::kRegistered));
  at(0s, Registered{0, 3600s, false});
  at(1s, answered(1, Method::kOptions, 200, 12ms));
  // pbx-b's certificate chain was read (as if over TLS): 30 days left.
  recorder.certificate_read(line.name, 1, epoch() + std::chrono::days(30));
  // The primary goes silent: failover to pbx-c, pbx-b answering 503.
  at(37500ms, unavailable(0, Method::kOptions, timeout, 7500ms));
  at(37500ms, state(LineState::kRegistered, LineState::kRegistering, timeout));
  at(37520ms, unavailable(1, Method::kRegister, busy, 20ms));
  at(37550ms, answered(2, Method::kRegister, 200, 30ms));
  at(37550ms, state(LineState::kRegistering, LineState::kRegistered));
  at(37550ms, Registered{2, 1800s, false});
  at(37550ms, Failover{0, 2, Method::kOptions, timeout, 7500ms});
  // Failback: refused once, then back on the primary.
  at(1837s, unavailable(0, Method::kRegister, icmp, 1ms));
  at(1837s, FailbackProbe{FailbackProbe::Result::kUnavailable, icmp});
  at(3637s, answered(0, Method::kRegister, 200, 40ms));
  at(3637s, FailbackProbe{FailbackProbe::Result::kSuccess, std::nullopt});
  at(3637s, Registered{0, 3600s, false});
  at(3637s, Failback{2, 0});
  // Test calls: one answered, one busy.
  at(3700s, answered(0, Method::kInvite, 200, 1200ms));
  at(3705s, TestCallFinished{"answered", 0, 0, 800ms, 1200ms, false});
  at(4600s, answered(0, Method::kInvite, 486, 900ms));
  at(4600s, TestCallFinished{"486", 0, std::nullopt, 700ms, std::nullopt, false});
  // Everything silent: the failover fails.
  at(5000s, state(LineState::kRegistered, LineState::kRegistering, timeout));
  at(5032s, state(LineState::kRegistering, LineState::kUnregistered, timeout));
  at(5032s, RegisterFailure{timeout});
  // Back, but refusing the line; so no server takes the test call.
  at(5062s, state(LineState::kUnregistered, LineState::kRegistering));
  at(5062s, answered(0, Method::kRegister, 403, 25ms));
  at(5062s,
     state(LineState::kRegistering, LineState::kRejected, Reason{Reason::Kind::kRejected, 403}));
  at(5400s, TestCallFinished{"unavailable", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                             false});
  recorder.dropped_sip_messages(MetricsRecorder::DropReason::kMalformed, 2);
  recorder.dropped_sip_messages(MetricsRecorder::DropReason::kOutOfRange, 1);
}

}  // namespace sipsentry::metrics::testing
