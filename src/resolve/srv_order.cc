#include "resolve/srv_order.h"

#include <algorithm>

namespace sipsentry::resolve {
namespace {

/// Orders one priority's records by RFC 2782's weighted selection.
void order_by_weight(std::vector<SrvRecord>::iterator first, std::vector<SrvRecord>::iterator last,
                     const RandomDraw& draw) {
  std::stable_partition(first, last, [](const SrvRecord& record) { return record.weight == 0; });
  for (; first != last; ++first) {
    uint32_t total = 0;
    for (auto it = first; it != last; ++it) total += it->weight;  // 65,535 x 256 at most
    uint32_t drawn = std::min(draw(total), total);
    uint32_t running = 0;
    auto chosen = first;
    for (auto it = first; it != last; ++it) {
      running += it->weight;
      if (running >= drawn) {
        chosen = it;
        break;
      }
    }
    // The chosen record comes next; the others keep their relative order
    // (weight-0 records stay at the front of what remains).
    std::rotate(first, chosen, std::next(chosen));
  }
}

}  // namespace

std::vector<SrvRecord> srv_order(std::vector<SrvRecord> records, const RandomDraw& draw) {
  std::erase_if(records, [](const SrvRecord& record) { return record.target == "."; });
  std::stable_sort(records.begin(), records.end(),
                   [](const SrvRecord& a, const SrvRecord& b) { return a.priority < b.priority; });
  for (auto first = records.begin(); first != records.end();) {
    auto last = std::find_if(first, records.end(), [&](const SrvRecord& record) {
      return record.priority != first->priority;
    });
    order_by_weight(first, last, draw);
    first = last;
  }
  return records;
}

}  // namespace sipsentry::resolve
