#include "engine/budget.h"

#include <algorithm>

namespace sipsentry::engine {
namespace {

/// The interval between send k and send k+1 (k from 0).
Millis retransmit_interval(const Timers& timers, Method method, int k) {
  Millis interval = timers.t1;
  for (int i = 0; i < k; ++i) {
    interval *= 2;
    // Past T2 there is nothing left to double: stop before overflow.
    if (method != Method::kInvite && interval >= timers.t2) return timers.t2;
  }
  return interval;
}

}  // namespace

BudgetKind budget_kind_for(size_t index, size_t count) {
  return index + 1 < count ? BudgetKind::kNonLast : BudgetKind::kFull;
}

Millis request_budget(const Timers& timers, const RetryPolicy& retry, BudgetKind kind,
                      Method method) {
  if (kind == BudgetKind::kFull) return timers.t1 * 64;
  if (retry.mode == RetryPolicy::Mode::kPeriod) return retry.period;
  Millis total = 0ms;
  for (int k = 0; k <= retry.count; ++k) total += retransmit_interval(timers, method, k);
  return total;
}

std::vector<Millis> send_offsets(const Timers& timers, Millis budget, Transport transport,
                                 Method method) {
  std::vector<Millis> sends{0ms};
  if (transport != Transport::kUdp || timers.t1 <= 0ms) return sends;
  Millis at = 0ms;
  for (int k = 0;; ++k) {
    at += retransmit_interval(timers, method, k);
    if (at >= budget) break;
    sends.push_back(at);
  }
  return sends;
}

RequestPlan plan_request(const LineSettings& settings, size_t index, Method method,
                         BudgetKind kind) {
  return plan_request(settings, index, settings.servers.at(index).transport, method, kind);
}

RequestPlan plan_request(const LineSettings& settings, size_t index, Transport transport,
                         Method method, BudgetKind kind) {
  RequestPlan plan;
  plan.budget = request_budget(settings.timers, settings.retry_for(index), kind, method);
  plan.sends = send_offsets(settings.timers, plan.budget, transport, method);
  return plan;
}

}  // namespace sipsentry::engine
