// What a certificate chain's dates mean for the operator (issue 14): the
// decisions `check`, the status page and the JSON API make from them, and
// which servers have an endpoint to read.
#include "tls/chain_dates.h"

#include <gtest/gtest.h>

#include "tls/tls_endpoint.h"

namespace sipsentry::tls {
namespace {

using namespace std::chrono_literals;
using std::chrono::days;

const WallTime kNow = WallTime{} + std::chrono::seconds(1'800'000'000);

ChainDates valid_until(WallTime not_after, WallTime not_before = kNow - days(30)) {
  return {.earliest_not_after = not_after, .latest_not_before = not_before, .certificates = 2};
}

TEST(CertificateState, ValidBeyondTheWarningExpiringWithinItExpiredAfter) {
  const auto warning = days(14);
  EXPECT_EQ(certificate_state(valid_until(kNow + days(30)), kNow, warning),
            CertificateState::kValid);
  EXPECT_EQ(certificate_state(valid_until(kNow + days(14) + 1s), kNow, warning),
            CertificateState::kValid);
  EXPECT_EQ(certificate_state(valid_until(kNow + days(14)), kNow, warning),
            CertificateState::kExpiring)
      << "exactly the warning away is within it";
  EXPECT_EQ(certificate_state(valid_until(kNow + days(3)), kNow, warning),
            CertificateState::kExpiring);
  EXPECT_EQ(certificate_state(valid_until(kNow + 1s), kNow, warning), CertificateState::kExpiring);
  EXPECT_EQ(certificate_state(valid_until(kNow), kNow, warning), CertificateState::kExpired)
      << "notAfter is the last valid second's end";
  EXPECT_EQ(certificate_state(valid_until(kNow - days(2)), kNow, warning),
            CertificateState::kExpired);
}

TEST(CertificateState, NotYetValidBeforeTheLatestNotBeforeAndExpiredWinsOverIt) {
  EXPECT_EQ(certificate_state(valid_until(kNow + days(90), kNow + 1h), kNow, days(14)),
            CertificateState::kNotYetValid);
  EXPECT_EQ(certificate_state(valid_until(kNow + days(90), kNow), kNow, days(14)),
            CertificateState::kValid);
  EXPECT_EQ(certificate_state(valid_until(kNow - 1h, kNow + 1h), kNow, days(14)),
            CertificateState::kExpired);
}

TEST(CertificateState, AWarningOfZeroOnlyEverSaysExpired) {
  EXPECT_EQ(certificate_state(valid_until(kNow + 1s), kNow, 0ms), CertificateState::kValid);
}

TEST(CertificateReading, UnreadWithoutDatesAndJudgedWhenReadOrAtAnyTime) {
  CertificateReading reading{.error = "connect: Connection refused", .read_at = kNow};
  EXPECT_EQ(reading.state(), CertificateState::kUnread);
  reading.dates = valid_until(kNow + days(20));
  EXPECT_EQ(reading.state(), CertificateState::kValid);
  EXPECT_EQ(reading.state_at(kNow + days(7)), CertificateState::kExpiring);
  EXPECT_EQ(reading.state_at(kNow + days(21)), CertificateState::kExpired);
  reading.warning = days(30);
  EXPECT_EQ(reading.state(), CertificateState::kExpiring);
}

TEST(CertificateDays, FractionalDaysLeftNegativeOnceExpired) {
  EXPECT_DOUBLE_EQ(days_left(valid_until(kNow + days(3)), kNow), 3.0);
  EXPECT_DOUBLE_EQ(days_left(valid_until(kNow + 12h), kNow), 0.5);
  EXPECT_DOUBLE_EQ(days_left(valid_until(kNow - days(2)), kNow), -2.0);
}

TEST(CertificateDays, InWordsWholeDaysThenHours) {
  EXPECT_EQ(expiry_in_words(valid_until(kNow + days(3) + 5h), kNow), "in 3 days");
  EXPECT_EQ(expiry_in_words(valid_until(kNow + days(1)), kNow), "in 1 day");
  EXPECT_EQ(expiry_in_words(valid_until(kNow + 5h + 59min), kNow), "in 5 hours");
  EXPECT_EQ(expiry_in_words(valid_until(kNow + 1h), kNow), "in 1 hour");
  EXPECT_EQ(expiry_in_words(valid_until(kNow + 59min), kNow), "within the hour");
  EXPECT_EQ(expiry_in_words(valid_until(kNow - days(2) - 1h), kNow), "2 days ago");
  EXPECT_EQ(expiry_in_words(valid_until(kNow - 1min), kNow), "just now");
  EXPECT_EQ(utc_text(kNow), "2027-01-15 08:00:00Z");
  EXPECT_STREQ(to_string(CertificateState::kNotYetValid), "not_yet_valid");
}

engine::Server server(std::string address, uint16_t port, engine::Transport transport) {
  return {.name = "pbx", .address = std::move(address), .port = port, .transport = transport};
}

TEST(TlsEndpoint, OnlyTlsServersAtAnAddressOrANameWithAPort) {
  using engine::Transport;
  EXPECT_FALSE(tls_endpoint_of(server("127.0.0.1", 5060, Transport::kUdp), {"127.0.0.1", 5060}));
  EXPECT_FALSE(tls_endpoint_of(server("127.0.0.1", 5060, Transport::kTcp), {"127.0.0.1", 5060}));
  EXPECT_EQ(tls_endpoint_of(server("127.0.0.1", 5061, Transport::kTls), {"127.0.0.1", 5061}),
            (TlsEndpoint{"127.0.0.1", 5061, ""}))
      << "an address sends no SNI";
  EXPECT_EQ(tls_endpoint_of(server("::1", 5061, Transport::kTls), {"[::1]", 5061}),
            (TlsEndpoint{"::1", 5061, ""}));
  EXPECT_EQ(
      tls_endpoint_of(server("pbx.example.com", 5061, Transport::kTls), {"pbx.example.com", 5061}),
      (TlsEndpoint{"pbx.example.com", 5061, "pbx.example.com"}))
      << "a name is its own SNI";
  EXPECT_FALSE(tls_endpoint_of(server("pbx.example.com", 5061, Transport::kTls),
                               {"pbx.example.com", std::nullopt, Transport::kTls}))
      << "a name without a port is resolved by SRV: skipped";
  EXPECT_EQ((TlsEndpoint{"::1", 5061, ""}).describe(), "[::1]:5061");
}

}  // namespace
}  // namespace sipsentry::tls
