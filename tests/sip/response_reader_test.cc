// How Sofia-SIP's responses become engine outcomes: the causes of spec.md §2
// that Sofia reports as responses it made itself, and the fields a response
// from the network carries (Retry-After, the expiry granted to our binding).
#include "sip/response_reader.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <optional>
#include <string>

#include "sip/sofia_handles.h"

namespace sipsentry::sip {
namespace {

using engine::Millis;
using engine::Transport;
using engine::TransportError;

/// A parsed response, as NTA hands it to a callback.
class Parsed {
 public:
  explicit Parsed(const std::string& text)
      : message_(msg_make(sip_default_mclass(), 0, text.data(), text.size())) {}
  sip_t const* sip() const { return sip_object(message_.get()); }
  /// Marks the message as one Sofia made itself.
  Parsed& internal() {
    sip_object(message_.get())->sip_flags |= 1u << 15;
    return *this;
  }

 private:
  MsgRef message_;
};

std::string response(const std::string& status, const std::string& extra_headers = "") {
  return "SIP/2.0 " + status +
         "\r\n"
         "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
         "From: <sip:1001@127.0.0.1>;tag=a\r\n"
         "To: <sip:1001@127.0.0.1>;tag=b\r\n"
         "Call-ID: c@sipsentry\r\n"
         "CSeq: 2 REGISTER\r\n" +
         extra_headers + "Content-Length: 0\r\n\r\n";
}

TEST(ResponseReaderTest, AResponseFromTheNetworkIsNoLocalFailure) {
  Parsed server_503(response("503 Service Unavailable"));
  EXPECT_FALSE(local_failure(503, server_503.sip(), 0, Transport::kUdp));
}

TEST(ResponseReaderTest, SofiasOwn503NamesTheTransportError) {
  Parsed local(response("503 Service Unavailable"));
  local.internal();
  EXPECT_EQ(local_failure(503, local.sip(), ECONNREFUSED, Transport::kUdp)->error,
            TransportError::kIcmp);
  EXPECT_EQ(local_failure(503, local.sip(), EHOSTUNREACH, Transport::kUdp)->error,
            TransportError::kIcmp);
  EXPECT_EQ(local_failure(503, local.sip(), ECONNREFUSED, Transport::kTcp)->error,
            TransportError::kTcpRefused);
  EXPECT_EQ(local_failure(503, local.sip(), ECONNRESET, Transport::kTls)->error,
            TransportError::kTcpRefused);
}

// spec.md §2: a failure to send that is local is a local error, never the
// server's fault; an unreachable network that the ICMP of a router reports
// later is the server's `icmp`.
TEST(ResponseReaderTest, AFailureToLeaveThisHostIsLocal) {
  Parsed local(response("503 Service Unavailable"));
  local.internal();
  for (Transport transport : {Transport::kUdp, Transport::kTcp, Transport::kTls}) {
    EXPECT_EQ(local_failure(503, local.sip(), EAFNOSUPPORT, transport)->error,
              TransportError::kLocal);
    EXPECT_EQ(local_failure(503, local.sip(), EADDRNOTAVAIL, transport)->error,
              TransportError::kLocal);
    EXPECT_EQ(local_failure(503, local.sip(), ENETUNREACH, transport, true)->error,
              TransportError::kLocal);
  }
  EXPECT_EQ(local_failure(503, local.sip(), ENETUNREACH, Transport::kUdp, false)->error,
            TransportError::kIcmp);
  EXPECT_EQ(local_failure(503, local.sip(), ENETUNREACH, Transport::kTcp, false)->error,
            TransportError::kTcpRefused);
  EXPECT_EQ(local_failure(503, local.sip(), ECONNREFUSED, Transport::kUdp, true)->error,
            TransportError::kIcmp)
      << "a port unreachable is the server's, however soon it comes";
}

TEST(ResponseReaderTest, ADnsErrorIsDnsAndSofiasOwnTimeoutIsNoCauseOfItsOwn) {
  Parsed dns(response("503 DNS Error"));
  EXPECT_EQ(local_failure(503, dns.internal().sip(), 0, Transport::kUdp)->error,
            TransportError::kDns);
  Parsed timeout(response("408 Request Timeout"));
  auto gave_up = local_failure(408, timeout.internal().sip(), 0, Transport::kUdp);
  ASSERT_TRUE(gave_up);
  EXPECT_FALSE(gave_up->error) << "the engine's budget decides: timeout or tcp_timeout";
}

TEST(ResponseReaderTest, RetryAfterIsRead) {
  Parsed busy(response("503 Service Unavailable", "Retry-After: 120\r\n"));
  EXPECT_EQ(outcome_of(503, busy.sip(), nullptr)->retry_after, Millis(120'000));
}

TEST(ResponseReaderTest, TheGrantedExpiryIsOurBindingsNotAnotherDevicesOfTheSameUser) {
  Parsed ok(response("200 OK",
                     "Contact: <sip:1001@192.0.2.7:5060>;expires=3600\r\n"
                     "Contact: <sip:1001@127.0.0.1:5070;transport=udp>;expires=45\r\n"
                     "Expires: 3600\r\n"));
  HomePtr home = new_home();
  url_t* ours = url_make(home.get(), "sip:1001@127.0.0.1:5070");
  EXPECT_EQ(outcome_of(200, ok.sip(), ours)->expires, Millis(45'000));
}

TEST(ResponseReaderTest, WithoutOurBindingTheExpiresHeaderCounts) {
  Parsed ok(response("200 OK", "Expires: 300\r\n"));
  HomePtr home = new_home();
  url_t* ours = url_make(home.get(), "sip:1001@127.0.0.1:5070");
  EXPECT_EQ(outcome_of(200, ok.sip(), ours)->expires, Millis(300'000));
}

// Every number from the network is bounded (issue 12): the outcome is one
// the engine accepts (engine::Outcome::possible), whatever the server sent.

/// Our binding, as REGISTER's Contact names it.
class Binding {
 public:
  Binding() : url_(url_make(home_.get(), "sip:1001@127.0.0.1:5070")) {}
  url_t const* url() const { return url_; }

 private:
  HomePtr home_ = new_home();
  url_t* url_;
};

/// The expiry a 200 OK with `headers` grants our binding.
std::optional<Millis> granted(const std::string& headers) {
  Parsed ok(response("200 OK", headers));
  Binding ours;
  auto outcome = outcome_of(200, ok.sip(), ours.url());
  EXPECT_TRUE(outcome && outcome->possible()) << headers;
  return outcome ? outcome->expires : std::nullopt;
}

std::string expires_header(const std::string& value) {
  return "Expires: " + value + "\r\n";
}
std::string our_contact(const std::string& expires) {
  return "Contact: <sip:1001@127.0.0.1:5070>;expires=" + expires + "\r\n";
}

TEST(ResponseReaderBoundsTest, ExpiresHeaderFromZeroTo2To32Minus1IsTakenAsItIs) {
  EXPECT_EQ(granted(expires_header("0")), Millis(0));
  EXPECT_EQ(granted(expires_header("4294967295")), engine::kMaxExpiry);
  EXPECT_EQ(engine::kMaxExpiry, Millis(4'294'967'295'000));
}

TEST(ResponseReaderBoundsTest, ExpiresHeaderBeyond2To32Minus1IsClampedNeverOverflows) {
  EXPECT_EQ(granted(expires_header("4294967296")), engine::kMaxExpiry);
  EXPECT_EQ(granted(expires_header("99999999999999999999")), engine::kMaxExpiry);
  EXPECT_EQ(granted(expires_header("18446744073709551615")), engine::kMaxExpiry);
}

TEST(ResponseReaderBoundsTest, ANegativeOrGarbageExpiresHeaderIsNoExpiry) {
  // Sofia refuses to parse them: the header is absent to the reader.
  for (std::string value : {"-5", "abc", "12abc", ""})
    EXPECT_EQ(granted(expires_header(value)), std::nullopt) << value;
}

TEST(ResponseReaderBoundsTest, AnExpiresHeaderInRfc2543sDateFormIsIgnored) {
  EXPECT_EQ(granted(expires_header("Thu, 01 Dec 2044 16:00:00 GMT")), std::nullopt);
}

TEST(ResponseReaderBoundsTest, ContactExpiresIsClampedLikeTheHeader) {
  EXPECT_EQ(granted(our_contact("0")), Millis(0));
  EXPECT_EQ(granted(our_contact("4294967295")), engine::kMaxExpiry);
  EXPECT_EQ(granted(our_contact("4294967296")), engine::kMaxExpiry);
  EXPECT_EQ(granted(our_contact("99999999999999999999")), engine::kMaxExpiry);
  EXPECT_EQ(granted(our_contact("999999999999999999999999999999999999999")), engine::kMaxExpiry);
}

TEST(ResponseReaderBoundsTest, AMalformedContactExpiresLeavesTheExpiresHeader) {
  for (std::string value : {"-5", "-99999999999999999999", "abc", "60s", "+60", "\"60\"", "1e3"}) {
    EXPECT_EQ(granted(our_contact(value) + expires_header("300")), Millis(300'000)) << value;
    EXPECT_EQ(granted(our_contact(value)), std::nullopt) << value;
  }
}

TEST(ResponseReaderBoundsTest, OurContactsExpiresWinsOverTheExpiresHeader) {
  EXPECT_EQ(granted(expires_header("300") + our_contact("60")), Millis(60'000));
  EXPECT_EQ(granted(expires_header("300") + our_contact("0")), Millis(0));
  EXPECT_EQ(granted(expires_header("0") + our_contact("99999999999999999999")), engine::kMaxExpiry);
}

TEST(ResponseReaderBoundsTest, AHugeRetryAfterWithCommentAndDurationIsClamped) {
  for (std::string value :
       {"99999999999999999999", "4294967296 (maintenance)",
        "18446744073709551615 (down for a century);duration=99999999999999999999",
        "3601;duration=-1"}) {
    Parsed busy(response("503 Service Unavailable", "Retry-After: " + value + "\r\n"));
    auto outcome = outcome_of(503, busy.sip(), nullptr);
    ASSERT_TRUE(outcome) << value;
    EXPECT_EQ(outcome->retry_after, engine::kMaxRetryAfter) << value;
    EXPECT_TRUE(outcome->possible()) << value;
  }
}

TEST(ResponseReaderBoundsTest, ARetryAfterWithinTheLimitKeepsItsValueWhateverItsComment) {
  Parsed busy(
      response("503 Service Unavailable", "Retry-After: 120 (back soon);duration=3600\r\n"));
  EXPECT_EQ(outcome_of(503, busy.sip(), nullptr)->retry_after, Millis(120'000));
  Parsed zero(response("503 Service Unavailable", "Retry-After: 0\r\n"));
  EXPECT_EQ(outcome_of(503, zero.sip(), nullptr)->retry_after, Millis(0));
}

TEST(ResponseReaderBoundsTest, AGarbageRetryAfterIsNoRetryAfter) {
  for (std::string value : {"-1", "soon", "(maintenance)"}) {
    Parsed busy(response("503 Service Unavailable", "Retry-After: " + value + "\r\n"));
    EXPECT_EQ(outcome_of(503, busy.sip(), nullptr)->retry_after, std::nullopt) << value;
  }
}

TEST(ResponseReaderBoundsTest, AStatusOutside100To699IsDropped) {
  for (int status : {0, 99, 700, 999, 1000000}) {
    Parsed odd(response(std::to_string(status) + " Odd", expires_header("60")));
    EXPECT_EQ(outcome_of(status, odd.sip(), nullptr), std::nullopt) << status;
  }
  for (int status : {100, 200, 699}) {
    Parsed fine(response(std::to_string(status) + " Fine"));
    EXPECT_TRUE(outcome_of(status, fine.sip(), nullptr)) << status;
  }
}

TEST(ResponseReaderBoundsTest, SofiaRefusesACSeqOrContentLengthBeyond32Bits) {
  // Both are read by Sofia alone (matching, framing): it refuses values past
  // 2^32 - 1, the response counts as malformed and NTA drops it.
  Parsed cseq(
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
      "From: <sip:1001@127.0.0.1>;tag=a\r\nTo: <sip:1001@127.0.0.1>;tag=b\r\n"
      "Call-ID: c@sipsentry\r\nCSeq: 4294967296 REGISTER\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(cseq.sip()->sip_cseq, nullptr);
  EXPECT_NE(cseq.sip()->sip_error, nullptr);
  Parsed length(
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
      "From: <sip:1001@127.0.0.1>;tag=a\r\nTo: <sip:1001@127.0.0.1>;tag=b\r\n"
      "Call-ID: c@sipsentry\r\nCSeq: 2 REGISTER\r\n"
      "Content-Length: 99999999999999999999\r\n\r\n");
  EXPECT_EQ(length.sip()->sip_content_length, nullptr);
}

}  // namespace
}  // namespace sipsentry::sip
