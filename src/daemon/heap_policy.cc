#include "daemon/heap_policy.h"

#include <malloc.h>

namespace sipsentry::daemon {
namespace {

// glibc's own starting threshold; fixing it turns its dynamic raise off.
constexpr int kMapThreshold = 128 * 1024;
// The event loop's thread and civetweb's few threads, which scrape and
// answer health checks only: one heap for all is plenty.
constexpr int kArenas = 1;

}  // namespace

void set_daemon_heap_policy() {
  mallopt(M_MMAP_THRESHOLD, kMapThreshold);
  mallopt(M_ARENA_MAX, kArenas);
}

void return_free_heap() {
  malloc_trim(0);
}

}  // namespace sipsentry::daemon
