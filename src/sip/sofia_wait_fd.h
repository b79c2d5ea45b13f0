#pragma once
// Internal to sip/: the descriptor Sofia's event loop waits on.

#include <functional>

namespace sipsentry::sip {

/// Runs `create` (which makes a Sofia su_root) and returns the epoll
/// descriptor it opened, or -1 when it opened none or several.
///
/// Why: Sofia-SIP 1.12 computes its wait from its next timer in whole
/// milliseconds rounded down, so the last fraction of a millisecond before
/// each of its timers (NTA's retransmission and transaction timers among
/// them) is spent calling epoll_wait with a timeout of 0 over and over. Its
/// API does not let us change that nor name the descriptor; waiting on that
/// descriptor ourselves (it is readable whenever one of Sofia's sockets is)
/// with the timeout rounded up, and then letting Sofia run without waiting,
/// ends the spin. Found as the one new "anon_inode:[eventpoll]" in
/// /proc/self/fd.
int sofia_wait_fd(const std::function<void()>& create);

}  // namespace sipsentry::sip
