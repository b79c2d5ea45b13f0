// The SDP offer of a test call's INVITE (spec.md §6): valid SDP that names
// an RTP port sipsentry really holds, and nothing else about the line.
#include "sip/sdp_offer.h"

#include <gtest/gtest.h>
#include <sofia-sip/sdp.h>

#include "common/udp_port.h"
#include "sip/sofia_handles.h"

namespace sipsentry::sip {
namespace {

TEST(SdpOffer, ParsesAsOneAudioStreamOfPcmuAndPcmaOnTheOpenedPort) {
  std::string error;
  auto rtp = RtpSocket::open("127.0.0.1", error);
  ASSERT_TRUE(rtp) << error;
  std::string offer = sdp_offer("127.0.0.1", rtp->port(), 1234);

  HomePtr home = new_home();
  sdp_parser_t* parser = sdp_parse(home.get(), offer.c_str(), offer.size(), sdp_f_strict);
  sdp_session_t* session = sdp_session(parser);
  ASSERT_TRUE(session) << sdp_parsing_error(parser) << "\n" << offer;
  ASSERT_TRUE(session->sdp_connection);
  EXPECT_EQ(session->sdp_connection->c_addrtype, sdp_addr_ip4);
  EXPECT_STREQ(session->sdp_connection->c_address, "127.0.0.1");
  sdp_media_t* media = session->sdp_media;
  ASSERT_TRUE(media);
  EXPECT_EQ(media->m_next, nullptr) << "one m-line";
  EXPECT_EQ(media->m_type, sdp_media_audio);
  EXPECT_EQ(media->m_proto, sdp_proto_rtp);
  EXPECT_EQ(media->m_port, rtp->port());
  ASSERT_TRUE(media->m_rtpmaps);
  EXPECT_EQ(media->m_rtpmaps->rm_pt, 0u);
  EXPECT_STREQ(media->m_rtpmaps->rm_encoding, "PCMU");
  ASSERT_TRUE(media->m_rtpmaps->rm_next);
  EXPECT_EQ(media->m_rtpmaps->rm_next->rm_pt, 8u);
  EXPECT_STREQ(media->m_rtpmaps->rm_next->rm_encoding, "PCMA");
  sdp_parser_free(parser);
}

TEST(SdpOffer, ThePortItNamesIsHeldUntilTheSocketCloses) {
  std::string error;
  auto rtp = RtpSocket::open("127.0.0.1", error);
  ASSERT_TRUE(rtp) << error;
  uint16_t port = rtp->port();
  EXPECT_NE(port, 0);
  EXPECT_TRUE(testing::udp_port_taken(port)) << "bound for the call's lifetime";
  rtp.reset();
  EXPECT_FALSE(testing::udp_port_taken(port)) << "closed when the call ends";
}

TEST(SdpOffer, NamesNoCredentialsNoUserAndNoKey) {
  std::string offer = sdp_offer("192.0.2.7", 40000, 1);
  for (const char* absent : {"k=", "password", "secret", "1001", "@"})
    EXPECT_EQ(offer.find(absent), std::string::npos) << absent << " in\n" << offer;
  EXPECT_NE(offer.find("\r\nc=IN IP4 192.0.2.7\r\n"), std::string::npos) << offer;
  EXPECT_NE(offer.find("\r\nm=audio 40000 RTP/AVP 0 8\r\n"), std::string::npos) << offer;
}

TEST(SdpOffer, AnIpv6AddressIsWrittenAsIp6WithoutBrackets) {
  EXPECT_NE(sdp_offer("[::1]", 40000, 1).find("\r\nc=IN IP6 ::1\r\n"), std::string::npos);
}

TEST(SdpOffer, AnAddressThatIsNoLiteralCannotBeBound) {
  std::string error;
  EXPECT_FALSE(RtpSocket::open("pbx.example.com", error));
  EXPECT_EQ(error, "'pbx.example.com' is not an IP address for RTP");
}

}  // namespace
}  // namespace sipsentry::sip
