#pragma once
// The retry options of /etc/resolv.conf as glibc reads them. c-ares 1.18
// reads only its own "retrans:" and "retry:", and would otherwise ask a
// silent DNS server 4 times (5, 10, 20, 40 s): not what the system does,
// and not what an operator who wrote "options timeout:1" expects.

#include <istream>
#include <optional>

#include "engine/time.h"

namespace sipsentry::resolve {

struct RetryOptions {
  engine::Millis timeout{5'000};  // glibc's RES_TIMEOUT
  int attempts = 2;               // glibc's RES_DFLRETRY
  friend bool operator==(const RetryOptions&, const RetryOptions&) = default;
};

/// The options of a resolv.conf: "options timeout:N attempts:N" on any
/// "options" line, the last one winning, clamped as glibc clamps them
/// (timeout at most 30 s, attempts 1 to 5). Nullopt when the file uses
/// c-ares' own "retrans:" or "retry:", which c-ares then applies itself.
std::optional<RetryOptions> read_retry_options(std::istream& resolv_conf);

}  // namespace sipsentry::resolve
