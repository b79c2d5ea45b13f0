#pragma once
// The TTLs of a raw DNS answer. c-ares 1.18's ares_parse_srv_reply and
// ares_parse_naptr_reply drop them, and a record re-resolved when its TTL
// expires needs them: this reads them from the answer section itself.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sipsentry::resolve {

/// At most this many answer records are read: a SIP service has a handful
/// of SRV or NAPTR records, and a hostile answer declaring 65,535 must not
/// make the walk long (an answer fits in 64 KB anyway).
inline constexpr size_t kMaxAnswerRecords = 256;

/// The TTLs, in seconds and in answer order, of the answer records of
/// `type` (33 SRV, 35 NAPTR, ...). nullopt when the message is malformed:
/// shorter than its header, a name that runs past the end or loops, a
/// record whose data runs past the end, or more records than
/// kMaxAnswerRecords. TTLs above 2^31 - 1 are read as 0 (RFC 2181 §8).
std::optional<std::vector<uint32_t>> answer_ttls(std::span<const unsigned char> message,
                                                 uint16_t type);

}  // namespace sipsentry::resolve
