#pragma once
// RFC 2782's order of SRV records: by priority, and within one priority by
// weighted random selection. Pure: the random draws come from the caller,
// so that tests are deterministic.

#include <cstdint>
#include <functional>
#include <vector>

#include "resolve/records.h"

namespace sipsentry::resolve {

/// Returns a number drawn uniformly from 0 to `bound` inclusive.
using RandomDraw = std::function<uint32_t(uint32_t bound)>;

/// The records in the order they are to be tried: lowest priority value
/// first; within a priority, RFC 2782's selection: the records not yet
/// ordered, those of weight 0 first, with the running sum of their weights;
/// draw a number from 0 to the total; the first record whose running sum is
/// at least the draw comes next. A record of weight w is first among its
/// priority with probability w / total (weight-0 records only when drawn 0,
/// or when all are 0). Records whose target is "." are dropped.
std::vector<SrvRecord> srv_order(std::vector<SrvRecord> records, const RandomDraw& draw);

}  // namespace sipsentry::resolve
