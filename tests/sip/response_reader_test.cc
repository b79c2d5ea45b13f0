// How Sofia-SIP's responses become engine outcomes: the causes of spec.md §2
// that Sofia reports as responses it made itself, and the fields a response
// from the network carries (Retry-After, the expiry granted to our binding).
#include "sip/response_reader.h"

#include <gtest/gtest.h>

#include <cerrno>
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
  EXPECT_EQ(outcome_of(503, busy.sip(), nullptr).retry_after, Millis(120'000));
}

TEST(ResponseReaderTest, TheGrantedExpiryIsOurBindingsNotAnotherDevicesOfTheSameUser) {
  Parsed ok(response("200 OK",
                     "Contact: <sip:1001@192.0.2.7:5060>;expires=3600\r\n"
                     "Contact: <sip:1001@127.0.0.1:5070;transport=udp>;expires=45\r\n"
                     "Expires: 3600\r\n"));
  HomePtr home = new_home();
  url_t* ours = url_hdup(home.get(), URL_STRING_MAKE("sip:1001@127.0.0.1:5070")->us_url);
  EXPECT_EQ(outcome_of(200, ok.sip(), ours).expires, Millis(45'000));
}

TEST(ResponseReaderTest, WithoutOurBindingTheExpiresHeaderCounts) {
  Parsed ok(response("200 OK", "Expires: 300\r\n"));
  HomePtr home = new_home();
  url_t* ours = url_hdup(home.get(), URL_STRING_MAKE("sip:1001@127.0.0.1:5070")->us_url);
  EXPECT_EQ(outcome_of(200, ok.sip(), ours).expires, Millis(300'000));
}

}  // namespace
}  // namespace sipsentry::sip
