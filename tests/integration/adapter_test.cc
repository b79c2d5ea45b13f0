// The SIP adapter on its own against real servers on loopback: how each
// cause of spec.md §2 reaches the engine, TLS verification, digest answers
// and the registrar's expiry, and hostile input.
#include <gtest/gtest.h>

#include <optional>

#include "sip/sip_agent.h"
#include "support/kamailio.h"
#include "support/raw_udp_server.h"
#include "support/scratch.h"
#include "support/sip_ping.h"
#include "support/tls_files.h"

namespace sipsentry::testing {
namespace {

using engine::Millis;
using engine::TransportError;
using namespace std::chrono_literals;

class AdapterTest : public ::testing::Test {
 protected:
  void SetUp() override { agent_ = make_agent({}); }

  std::unique_ptr<sip::SipAgent> make_agent(sip::AgentOptions options) {
    options.bind = {"127.0.0.1:0"};
    options.log = [this](sip::LogSeverity, const std::string& text) { log_ += text + "\n"; };
    std::string error;
    auto agent = sip::SipAgent::create(options, error);
    EXPECT_TRUE(agent) << error;
    return agent;
  }

  /// Sends `request` and waits for its final report (kFinal or kGaveUp).
  sip::RequestReport send(sip::OutgoingRequest request, Millis limit = 5s) {
    std::optional<sip::RequestReport> final;
    connected_ = false;
    agent_->send(request, [&](const sip::RequestReport& report) {
      if (report.kind == sip::RequestReport::Kind::kConnected) connected_ = true;
      if (report.finished()) final = report;
    });
    Millis deadline = agent_->now() + limit;
    agent_->run_until([&] { return final.has_value(); }, deadline);
    EXPECT_TRUE(final) << "no final report within " << limit.count() << " ms\n" << log_;
    return final.value_or(sip::RequestReport{});
  }

  static sip::OutgoingRequest options_to(uint16_t port, engine::Transport transport) {
    sip::OutgoingRequest request;
    request.target = {"127.0.0.1", port, transport};
    request.budget = 3s;
    return request;
  }

  ScratchDir scratch_;
  std::string log_;
  bool connected_ = false;
  std::unique_ptr<sip::SipAgent> agent_;
};

TEST_F(AdapterTest, AClosedUdpPortIsIcmpAtOnce) {
  sip::RequestReport report = send(options_to(free_port(), engine::Transport::kUdp));
  EXPECT_EQ(report.kind, sip::RequestReport::Kind::kFinal);
  EXPECT_EQ(report.outcome.error, TransportError::kIcmp);
  EXPECT_LT(report.round_trip, 200ms);
}

TEST_F(AdapterTest, AClosedTcpPortIsTcpRefusedAtOnce) {
  sip::RequestReport report = send(options_to(free_port(), engine::Transport::kTcp));
  EXPECT_EQ(report.outcome.error, TransportError::kTcpRefused);
  EXPECT_LT(report.round_trip, 200ms);
}

TEST_F(AdapterTest, ANameThatDoesNotResolveIsDns) {
  // The resolver asks a closed port on loopback, never the network.
  agent_ = make_agent({.dns_server = "127.0.0.1:" + std::to_string(free_port())});
  sip::OutgoingRequest request = options_to(5060, engine::Transport::kUdp);
  request.target.host = "no-such-host.invalid";
  sip::RequestReport report = send(request);
  EXPECT_EQ(report.outcome.error, TransportError::kDns) << report.phrase;
}

TEST_F(AdapterTest, AnUnreadableCaFileFailsAsTlsAndSaysWhy) {
  sip::OutgoingRequest request = options_to(free_port(), engine::Transport::kTls);
  request.tls.ca_file = scratch_.file("missing-ca.pem");
  sip::RequestReport report = send(request);
  EXPECT_EQ(report.outcome.error, TransportError::kTls);
  EXPECT_NE(log_.find("cannot read the CA file"), std::string::npos) << log_;
}

TEST_F(AdapterTest, ARegisterAnswersTheChallengeAndReadsTheGrantedExpiry) {
  Kamailio registrar(scratch_, "registrar");
  sip::OutgoingRequest request = options_to(registrar.port(), engine::Transport::kUdp);
  request.method = engine::Method::kRegister;
  request.user = "1001";
  request.expires = 42s;
  request.credentials = sip::Credentials{"1001", "s3cret"};
  request.answer_challenge = true;
  sip::RequestReport report = send(request);
  EXPECT_EQ(report.outcome.status, 200) << log_;
  EXPECT_EQ(report.outcome.expires, Millis(42'000)) << "the Contact's expires for our binding";
  EXPECT_EQ(registrar.received("REGISTER", "udp"), 2) << "challenged, then answered once";
}

TEST_F(AdapterTest, MalformedDatagramsAreDroppedAndCountedAndTheAgentCarriesOn) {
  const std::vector<std::string> malformed = {
      "garbage\r\n\r\n", std::string(60'000, '\x02'),          // binary, near the UDP limit
      "SIP/2.0 200 OK\r\n\r\n",                                // a response with no headers
      "INVITE sip:x SIP/2.0\r\nContent-Length: 99999\r\n\r\n"  // a body that never comes
  };
  // What looks like STUN (first byte 0 or 1) or SigComp (0xf8 and up) the
  // transport drops before SIP parsing, uncounted: it must not hurt either.
  const std::vector<std::string> not_sip = {std::string(100, '\x00'), std::string(20, '\x01'),
                                            std::string(10, '\xf9')};
  for (const std::string& datagram : not_sip) send_datagram(agent_->local_port(), datagram);
  for (const std::string& datagram : malformed) send_datagram(agent_->local_port(), datagram);
  Millis deadline = agent_->now() + 2s;
  agent_->run_until([&] { return agent_->malformed_messages() >= malformed.size(); }, deadline);
  EXPECT_EQ(agent_->malformed_messages(), malformed.size());
  // Still serving: a request after the garbage gets its answer.
  sip::RequestReport report = send(options_to(free_port(), engine::Transport::kUdp));
  EXPECT_EQ(report.outcome.error, TransportError::kIcmp);
}

TEST_F(AdapterTest, AResponseWithAStatusOutOfRangeIsDroppedCountedAndNeverActedOn) {
  // A broken registrar: a status no SIP response has, and absurd expiries.
  RawUdpServer registrar("SIP/2.0 700 Out Of Range",
                         "Contact: <sip:1001@127.0.0.1>;expires=99999999999999999999\r\n"
                         "Expires: 99999999999999999999\r\n");
  sip::OutgoingRequest request = options_to(registrar.port(), engine::Transport::kUdp);
  request.method = engine::Method::kRegister;
  request.user = "1001";
  request.expires = 60s;
  sip::RequestReport report = send(request);
  // No outcome for the engine: its budget decides, as for no answer.
  EXPECT_EQ(report.kind, sip::RequestReport::Kind::kGaveUp) << report.outcome.status;
  EXPECT_EQ(report.outcome.status, 0);
  EXPECT_NE(report.phrase.find("700"), std::string::npos) << report.phrase;
  EXPECT_LT(report.round_trip, 1s) << "dropped on arrival";
  EXPECT_EQ(agent_->out_of_range_messages(), 1u);
  EXPECT_EQ(agent_->malformed_messages(), 0u);
  EXPECT_EQ(registrar.received(), 1);
}

TEST_F(AdapterTest, AnAbsurdGrantedExpiryReachesTheEngineAsRfc3261sMost) {
  RawUdpServer registrar("SIP/2.0 200 OK", "Expires: 99999999999999999999\r\n");
  sip::OutgoingRequest request = options_to(registrar.port(), engine::Transport::kUdp);
  request.method = engine::Method::kRegister;
  request.user = "1001";
  request.expires = 60s;
  sip::RequestReport report = send(request);
  EXPECT_EQ(report.kind, sip::RequestReport::Kind::kFinal);
  EXPECT_EQ(report.outcome.status, 200);
  EXPECT_EQ(report.outcome.expires, engine::kMaxExpiry);
  EXPECT_TRUE(report.outcome.possible());
}

class TlsTest : public AdapterTest {
 protected:
  void SetUp() override {
    AdapterTest::SetUp();
    files_ = make_tls_files(scratch_);
    registrar_ =
        std::make_unique<Kamailio>(scratch_, "tls-registrar",
                                   KamailioOptions{.tls_certificate = files_.server_certificate,
                                                   .tls_key = files_.server_key});
  }
  sip::OutgoingRequest tls_options(sip::TlsPolicy policy) {
    sip::OutgoingRequest request = options_to(registrar_->tls_port(), engine::Transport::kTls);
    request.tls = policy;
    return request;
  }

  TlsFiles files_;
  std::unique_ptr<Kamailio> registrar_;
};

TEST_F(TlsTest, TheServerIsVerifiedWithTheConfiguredCa) {
  sip::RequestReport report = send(tls_options({.verify = true, .ca_file = files_.ca_certificate}));
  EXPECT_EQ(report.outcome.status, 200) << log_;
  EXPECT_TRUE(connected_) << "the connection was reported before the answer";
  EXPECT_EQ(registrar_->received("OPTIONS", "tls"), 1);
}

TEST_F(TlsTest, WithoutTheCaTheCertificateFailsAsTlsAtOnce) {
  sip::RequestReport report = send(tls_options({}));  // the system store: the test CA is not in it
  EXPECT_EQ(report.kind, sip::RequestReport::Kind::kFinal);
  EXPECT_EQ(report.outcome.error, TransportError::kTls);
  EXPECT_LT(report.round_trip, 1s);
  EXPECT_EQ(registrar_->received("OPTIONS", "tls"), 0) << "nothing sent to an unverified server";
}

TEST_F(TlsTest, VerificationTurnedOffTrustsAnyServerAndSaysSo) {
  sip::RequestReport report = send(tls_options({.verify = false}));
  EXPECT_EQ(report.outcome.status, 200);
  EXPECT_NE(log_.find("verification is off"), std::string::npos) << log_;
}

}  // namespace
}  // namespace sipsentry::testing
