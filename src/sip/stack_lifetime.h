#pragma once

#include <vector>

#include "engine/time.h"

namespace sipsentry::sip {

/// How long Sofia-SIP keeps a client transaction (its T1X64, timer B/F).
///
/// The engine abandons a request at its budget, but NTA keeps retransmitting
/// a non-INVITE transaction it was told to destroy until the transaction
/// times out by itself. So the stack's own lifetime ends the transaction:
/// after the last planned send and just before the budget, where the next
/// retransmission would be due (spec.md §3). A final answer arriving in that
/// last moment (at most 20 ms) counts as no answer.
/// REQUIRES: `sends` is sorted and its last entry is before `budget`.
engine::Millis stack_lifetime(engine::Millis budget, const std::vector<engine::Millis>& sends);

}  // namespace sipsentry::sip
