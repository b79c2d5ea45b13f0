#include "resolve/answer_ttls.h"

namespace sipsentry::resolve {
namespace {

constexpr size_t kHeaderSize = 12;

class Reader {
 public:
  explicit Reader(std::span<const unsigned char> message) : message_(message) {}
  bool skip(size_t count) {
    if (message_.size() - offset_ < count) return false;
    offset_ += count;
    return true;
  }
  std::optional<uint16_t> u16() {
    if (message_.size() - offset_ < 2) return std::nullopt;
    uint16_t value = static_cast<uint16_t>(message_[offset_] << 8 | message_[offset_ + 1]);
    offset_ += 2;
    return value;
  }
  std::optional<uint32_t> u32() {
    auto high = u16();
    auto low = high ? u16() : std::nullopt;
    if (!low) return std::nullopt;
    return static_cast<uint32_t>(*high) << 16 | *low;
  }
  /// Skips a name in place: labels up to a zero byte or a compression
  /// pointer (which ends the name here; where it points is not followed).
  bool skip_name() {
    // A name has at most 127 labels (255 octets); more is a broken message.
    for (int labels = 0; labels < 128; ++labels) {
      if (offset_ >= message_.size()) return false;
      unsigned char length = message_[offset_];
      if ((length & 0xC0) == 0xC0) return skip(2);
      if ((length & 0xC0) != 0) return false;  // reserved label types
      if (!skip(1 + length)) return false;
      if (length == 0) return true;
    }
    return false;
  }

 private:
  std::span<const unsigned char> message_;
  size_t offset_ = 0;
};

}  // namespace

std::optional<std::vector<uint32_t>> answer_ttls(std::span<const unsigned char> message,
                                                 uint16_t type) {
  Reader reader(message);
  if (!reader.skip(4)) return std::nullopt;  // id, flags
  auto questions = reader.u16();
  auto answers = questions ? reader.u16() : std::nullopt;
  if (!answers || !reader.skip(kHeaderSize - 8)) return std::nullopt;
  if (*answers > kMaxAnswerRecords || *questions > kMaxAnswerRecords) return std::nullopt;
  for (unsigned i = 0; i < *questions; ++i)
    if (!reader.skip_name() || !reader.skip(4)) return std::nullopt;  // type, class
  std::vector<uint32_t> ttls;
  for (unsigned i = 0; i < *answers; ++i) {
    if (!reader.skip_name()) return std::nullopt;
    auto record_type = reader.u16();
    auto ttl = record_type && reader.skip(2) ? reader.u32() : std::nullopt;  // class skipped
    auto length = ttl ? reader.u16() : std::nullopt;
    if (!length || !reader.skip(*length)) return std::nullopt;
    if (*record_type == type) ttls.push_back(*ttl > 0x7FFFFFFFu ? 0 : *ttl);
  }
  return ttls;
}

}  // namespace sipsentry::resolve
