#pragma once

#include <cstddef>
#include <vector>

#include "engine/line_settings.h"
#include "engine/method.h"

namespace sipsentry::engine {

/// Which of spec.md §3's budgets a request gets.
enum class BudgetKind {
  kNonLast,  // retry.count or retry.period: the server has a successor to fail over to
  kFull,     // RFC 3261's 64*T1: the last server, and failback probes
};

/// The budget kind of a request to servers[index] of a list of `count`.
BudgetKind budget_kind_for(size_t index, size_t count);

/// When a request is given up on, measured from its first send.
/// Count mode: the sum of the first count+1 retransmission intervals, so
/// that the Nth retransmission goes out and the (N+1)th would be due at the
/// budget (defaults: 0.5 + 1 + 2 + 4 = 7.5 s).
Millis request_budget(const Timers& timers, const RetryPolicy& retry, BudgetKind kind,
                      Method method);

/// The offsets from the first send at which the request goes on the wire:
/// 0 and, over UDP, every retransmission due strictly before the budget.
/// Non-INVITE doubles from T1 and is capped at T2 (timer E); INVITE doubles
/// without a cap (timer A). TCP and TLS send once.
std::vector<Millis> send_offsets(const Timers& timers, Millis budget, Transport transport,
                                 Method method);

/// The request plan for servers[index] of `settings`.
struct RequestPlan {
  Millis budget;
  std::vector<Millis> sends;
};
RequestPlan plan_request(const LineSettings& settings, size_t index, Method method,
                         BudgetKind kind);
/// The same for a request to servers[index] over `transport` (an SRV
/// target's own transport).
RequestPlan plan_request(const LineSettings& settings, size_t index, Transport transport,
                         Method method, BudgetKind kind);

}  // namespace sipsentry::engine
