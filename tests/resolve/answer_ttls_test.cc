// The TTLs read from a raw DNS answer, and malformed answers refused.
#include "resolve/answer_ttls.h"

#include <gtest/gtest.h>

#include <cstring>

namespace sipsentry::resolve {
namespace {

using Bytes = std::vector<unsigned char>;

void put16(Bytes& out, unsigned value) {
  out.push_back(static_cast<unsigned char>(value >> 8));
  out.push_back(static_cast<unsigned char>(value));
}

/// An answer to "_sip._udp.t" with the given (type, ttl) records, each with
/// two bytes of data and a compressed name pointing at the question.
Bytes answer(const std::vector<std::pair<unsigned, uint32_t>>& records) {
  Bytes out{0x12, 0x34, 0x81, 0x80};
  put16(out, 1);
  put16(out, static_cast<unsigned>(records.size()));
  put16(out, 0);
  put16(out, 0);
  for (const char* label : {"_sip", "_udp", "t"}) {
    out.push_back(static_cast<unsigned char>(std::strlen(label)));
    out.insert(out.end(), label, label + std::strlen(label));
  }
  out.push_back(0);
  put16(out, 33);
  put16(out, 1);
  for (auto [type, ttl] : records) {
    put16(out, 0xC00C);
    put16(out, type);
    put16(out, 1);
    put16(out, ttl >> 16);
    put16(out, ttl & 0xFFFF);
    put16(out, 2);
    put16(out, 0);
  }
  return out;
}

TEST(AnswerTtls, TheTtlsOfTheRecordsOfTheTypeAsked) {
  Bytes message = answer({{33, 7}, {5, 99}, {33, 3600}});
  EXPECT_EQ(answer_ttls(message, 33), (std::vector<uint32_t>{7, 3600}));
  EXPECT_EQ(answer_ttls(message, 35), (std::vector<uint32_t>{}));
}

TEST(AnswerTtls, ATtlAboveTwoToTheThirtyOneIsZero) {
  EXPECT_EQ(answer_ttls(answer({{33, 0x80000000u}}), 33), (std::vector<uint32_t>{0}));
}

TEST(AnswerTtls, EveryCutOfAnAnswerIsMalformedNotARead) {
  Bytes message = answer({{33, 7}});
  for (size_t size = 0; size < message.size(); ++size)
    EXPECT_FALSE(answer_ttls(std::span(message.data(), size), 33)) << size;
}

TEST(AnswerTtls, AnswersDeclaringMoreRecordsThanTheBoundAreMalformed) {
  Bytes message = answer({{33, 7}});
  message[6] = 0xFF;  // 65,281 answers declared
  EXPECT_FALSE(answer_ttls(message, 33));
}

TEST(AnswerTtls, ReservedLabelTypesAreMalformed) {
  Bytes message = answer({{33, 7}});
  message[12] = 0x40;
  EXPECT_FALSE(answer_ttls(message, 33));
}

}  // namespace
}  // namespace sipsentry::resolve
