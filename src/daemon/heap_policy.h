#pragma once
// How `sipsentry run` asks glibc's allocator to give memory back. Measured
// at 10,000 lines (see README "Benchmark"): after the start-up storm the
// process held 160 MB of heap pages for 39 MB of live data, because the
// storm's short-lived SIP messages were freed between long-lived per-line
// allocations, and glibc returns only the top of its heap by itself.

#include <cstdint>

namespace sipsentry::daemon {

/// Sets the allocator's policy for a long-running daemon; call once, before
/// any thread starts. Large blocks (a scrape's body, 10 MB at 10,000 lines)
/// are always mapped and unmapped on their own, instead of glibc raising its
/// threshold after the first and keeping later ones in the heap; and the
/// HTTP threads share the main heap rather than keeping one each.
void set_daemon_heap_policy();

/// Hands free heap pages back to the kernel (malloc_trim), wherever they
/// are in the heap. A few milliseconds at 10,000 lines: run it after the
/// start-up storm and then now and again, never per request.
void return_free_heap();

}  // namespace sipsentry::daemon
