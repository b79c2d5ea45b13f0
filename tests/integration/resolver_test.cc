// Names against a real DNS server (dnsmasq on a loopback port): the
// resolver on the SIP event loop returns the records with their TTLs, and
// the SIP adapter sends to a server given by name, or reports `dns` at once
// for a name that does not exist and within the budget for a DNS server
// that does not answer.
#include "resolve/resolver.h"

#include <gtest/gtest.h>

#include <optional>

#include "sip/sip_agent.h"
#include "support/dnsmasq.h"
#include "support/kamailio.h"
#include "support/resolver_on_loop.h"
#include "support/scratch.h"

namespace sipsentry::testing {
namespace {

using engine::Millis;
using engine::TransportError;
using resolve::Failure;
using resolve::Seconds;
using namespace std::chrono_literals;

const std::vector<std::string> kZone{
    "--host-record=pbx.test,127.0.0.1,42",
    "--host-record=backup.test,127.0.0.2",
    "--srv-host=_sip._udp.srv.test,pbx.test,25060,10,100",
    "--srv-host=_sip._udp.srv.test,backup.test,25061,20,50",
    "--naptr-record=srv.test,10,50,s,SIP+D2U,,_sip._udp.srv.test",
    "--local-ttl=7",
};

/// The resolver alone, on the adapter's event loop.
class ResolverTest : public ::testing::Test {
 protected:
  /// Runs the loop until `answer` is set, at most `limit`.
  template <typename Answer>
  void wait_for(const std::optional<Answer>& answer, Millis limit = 5s) {
    Millis deadline = loop_->now() + limit;
    loop_->start_timer(limit, [] {});
    loop_->run_until([&] { return answer.has_value() || loop_->now() >= deadline; });
    ASSERT_TRUE(answer) << "no answer within " << limit.count() << " ms\n" << dns_.log();
  }

  ScratchDir scratch_;
  Dnsmasq dns_{scratch_, kZone};
  ResolverOnLoop on_loop_{dns_.server()};
  std::unique_ptr<sip::EventLoop>& loop_ = on_loop_.loop;
  std::unique_ptr<resolve::Resolver>& resolver_ = on_loop_.resolver;
};

TEST_F(ResolverTest, AnAddressComesWithTheTtlOfItsHostRecord) {
  std::optional<resolve::Answer<resolve::Address>> answer;
  resolver_->addresses("pbx.test", 3s, [&](const auto& got) { answer = got; });
  wait_for(answer);
  ASSERT_TRUE(answer->ok()) << to_string(*answer->failure);
  ASSERT_EQ(answer->records.size(), 1u);
  EXPECT_EQ(answer->records[0], (resolve::Address{"127.0.0.1", false, Seconds(42)}));
}

TEST_F(ResolverTest, SrvRecordsComeAsServedWithTheirTtl) {
  std::optional<resolve::Answer<resolve::SrvRecord>> answer;
  resolver_->srv("_sip._udp.srv.test", 3s, [&](const auto& got) { answer = got; });
  wait_for(answer);
  ASSERT_TRUE(answer->ok()) << to_string(*answer->failure);
  std::vector<resolve::SrvRecord> records = answer->records;
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.priority < b.priority; });
  EXPECT_EQ(records, (std::vector<resolve::SrvRecord>{{10, 100, 25060, "pbx.test", Seconds(7)},
                                                      {20, 50, 25061, "backup.test", Seconds(7)}}));
}

TEST_F(ResolverTest, NaptrRecordsComeAsServedWithTheirTtl) {
  std::optional<resolve::Answer<resolve::NaptrRecord>> answer;
  resolver_->naptr("srv.test", 3s, [&](const auto& got) { answer = got; });
  wait_for(answer);
  ASSERT_TRUE(answer->ok()) << to_string(*answer->failure);
  EXPECT_EQ(answer->records, (std::vector<resolve::NaptrRecord>{
                                 {10, 50, "s", "SIP+D2U", "", "_sip._udp.srv.test", Seconds(7)}}));
}

TEST_F(ResolverTest, ANameThatDoesNotExistIsNoSuchNameAtOnce) {
  std::optional<resolve::Answer<resolve::Address>> answer;
  Millis asked = loop_->now();
  resolver_->addresses("nowhere.test", 3s, [&](const auto& got) { answer = got; });
  wait_for(answer);
  EXPECT_EQ(answer->failure, Failure::kNoSuchName);
  EXPECT_LT(loop_->now() - asked, 200ms);
}

TEST_F(ResolverTest, ASilentDnsServerIsNoResponseAtTheCallersDeadline) {
  dns_.pause();
  std::optional<resolve::Answer<resolve::SrvRecord>> answer;
  Millis asked = loop_->now();
  resolver_->srv("_sip._udp.srv.test", 1500ms, [&](const auto& got) { answer = got; });
  wait_for(answer);
  Millis took = loop_->now() - asked;
  EXPECT_EQ(answer->failure, Failure::kNoResponse);
  EXPECT_GE(took, 1500ms);
  EXPECT_LT(took, 1600ms);
}

TEST_F(ResolverTest, ACancelledLookupNeverAnswers) {
  bool answered = false;
  auto id = resolver_->addresses("pbx.test", 3s, [&](const auto&) { answered = true; });
  resolver_->cancel(id);
  std::optional<bool> later;
  loop_->start_timer(300ms, [&] { later = true; });
  wait_for(later);
  EXPECT_FALSE(answered);
}

/// The SIP adapter, asking dnsmasq for the names of the servers it sends to.
class NamedServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    agent_ = sip::SipAgent::create(
        {.bind = {"127.0.0.1:0"},
         .dns_server = dns_.server(),
         .log = [this](sip::LogSeverity, const std::string& text) { log_ += text + "\n"; }},
        error);
    ASSERT_TRUE(agent_) << error;
  }

  sip::RequestReport send(const sip::OutgoingRequest& request, Millis limit = 5s) {
    std::optional<sip::RequestReport> final;
    agent_->send(request, [&](const sip::RequestReport& report) {
      if (report.finished()) final = report;
    });
    agent_->run_until([&] { return final.has_value(); }, agent_->now() + limit);
    EXPECT_TRUE(final) << "no final report within " << limit.count() << " ms\n" << log_;
    return final.value_or(sip::RequestReport{});
  }

  static sip::OutgoingRequest options_to(const std::string& host, uint16_t port) {
    sip::OutgoingRequest request;
    request.target = {host, port, engine::Transport::kUdp};
    request.budget = 2s;
    return request;
  }

  ScratchDir scratch_;
  Dnsmasq dns_{scratch_, kZone};
  std::string log_;
  std::unique_ptr<sip::SipAgent> agent_;
};

TEST_F(NamedServerTest, AServerNamedByAnARecordIsReached) {
  Kamailio registrar(scratch_, "registrar");
  int before = registrar.received("OPTIONS", "udp");
  sip::RequestReport report = send(options_to("pbx.test", registrar.port()));
  EXPECT_EQ(report.outcome.status, 200) << report.phrase << "\n" << log_;
  EXPECT_EQ(registrar.received("OPTIONS", "udp"), before + 1) << registrar.log();
  EXPECT_EQ(report.address, "127.0.0.1") << "the report names the address it went to";
  EXPECT_NE(dns_.log().find("query[A] pbx.test"), std::string::npos) << dns_.log();
}

TEST_F(NamedServerTest, ANameThatDoesNotExistIsDnsAtOnce) {
  Millis sent = agent_->now();
  sip::RequestReport report = send(options_to("nowhere.test", 5060));
  EXPECT_EQ(report.kind, sip::RequestReport::Kind::kFinal);
  EXPECT_EQ(report.outcome.error, TransportError::kDns) << report.phrase;
  EXPECT_NE(report.phrase.find("no such name"), std::string::npos) << report.phrase;
  EXPECT_LT(agent_->now() - sent, 200ms);
}

TEST_F(NamedServerTest, ASilentDnsServerIsDnsWithinTheBudget) {
  dns_.pause();
  Millis sent = agent_->now();
  sip::RequestReport report = send(options_to("pbx.test", 5060));
  Millis took = agent_->now() - sent;
  EXPECT_EQ(report.outcome.error, TransportError::kDns) << report.phrase;
  // Nine tenths of the 2 s budget: `dns` comes before the engine's budget
  // would call it the server's `timeout`.
  EXPECT_GE(took, 1800ms);
  EXPECT_LT(took, 1900ms);
}

}  // namespace
}  // namespace sipsentry::testing
