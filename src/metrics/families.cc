#include "metrics/families.h"

namespace sipsentry::metrics {
namespace {

using Type = Family::Type;

constexpr double kRequestDuration[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                       1,     2,    4,     8,    16,  32,   64};
constexpr double kFailoverDetection[] = {0.01, 0.05, 0.1, 0.5, 1, 2, 4, 7.5, 10, 16, 32, 64};
constexpr double kTestCallSetup[] = {0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64};

}  // namespace

std::span<const double> Buckets::request_duration() {
  return kRequestDuration;
}
std::span<const double> Buckets::failover_detection() {
  return kFailoverDetection;
}
std::span<const double> Buckets::test_call_setup() {
  return kTestCallSetup;
}

const Family Families::server_up{
    "sipsentry_server_up", Type::kGauge,
    "1 when the last request to the server found it available, 0 when it found it unavailable."};
const Family Families::server_failures{"sipsentry_server_failures_total", Type::kCounter,
                                       "Requests that found the server unavailable, by reason."};
const Family Families::requests{
    "sipsentry_requests_total", Type::kCounter,
    "Requests by final outcome: the status class (2xx to 6xx) or the reason the server was "
    "unavailable."};
const Family Families::line_registered{"sipsentry_line_registered", Type::kGauge,
                                       "1 while the line holds a registration."};
const Family Families::line_active_server{
    "sipsentry_line_active_server", Type::kGauge,
    "1 on the server the line is registered with, 0 on the others."};
const Family Families::line_active_target{
    "sipsentry_line_active_target_info", Type::kGauge,
    "1 on the SRV target (HOST:PORT;transport=T) of the server the line is registered with; no "
    "series without SRV or without a registration. At most one series a line, whatever the "
    "size of the record set: it follows the line's registration, it is not a history. role is "
    "primary on the primary's first target only: on its second the line is on a backup."};
const Family Families::server_registered{
    "sipsentry_server_registered", Type::kGauge,
    "1 while the server holds a registration of the line, 0 when it does not; only for lines "
    "with redundancy: concurrent, where every server holds its own (a successive line's is "
    "sipsentry_line_active_server)."};
const Family Families::line_state{"sipsentry_line_state", Type::kGauge,
                                  "1 on the line's current state, 0 on the others."};
const Family Families::registration_expiry{
    "sipsentry_registration_expiry_timestamp_seconds", Type::kGauge,
    "Unix time at which the line's last granted registration expires."};
const Family Families::certificate_expiry{
    "sipsentry_tls_certificate_expiry_timestamp_seconds", Type::kGauge,
    "Unix time of the earliest notAfter of the certificate chain the TLS server presented, as "
    "last read (at start and hourly, in a handshake of sipsentry's own that does not verify); "
    "no series for UDP and TCP servers, nor for names resolved by SRV."};
const Family Families::failovers{"sipsentry_failovers_total", Type::kCounter,
                                 "Switches away from a server that a request found unavailable."};
const Family Families::failbacks{"sipsentry_failbacks_total", Type::kCounter,
                                 "Switches back to the primary after a successful failback probe."};
const Family Families::switches{
    "sipsentry_line_switches_total", Type::kCounter,
    "Failovers and failbacks of the line together; at 0 from the start, so that increase() "
    "counts the first one (for flapping alerts)."};
const Family Families::failback_probes{"sipsentry_failback_probes_total", Type::kCounter,
                                       "Failback probes to the primary, by result."};
const Family Families::register_failures{
    "sipsentry_register_failures_total", Type::kCounter,
    "Failover failures: every server of the line was unavailable."};
const Family Families::last_switch{"sipsentry_last_switch_timestamp_seconds", Type::kGauge,
                                   "Unix time of the line's last failover or failback."};
const Family Families::test_calls{
    "sipsentry_test_calls_total", Type::kCounter,
    "Test calls by result: answered, a status code, or unavailable; server is the one that "
    "carried the INVITE (none when no server could)."};
const Family Families::request_duration{
    "sipsentry_request_duration_seconds", Type::kHistogram,
    "Time from a request's first send to its final response, for requests that got one, over "
    "the lines that use the server."};
const Family Families::failover_detection{
    "sipsentry_failover_detection_seconds", Type::kHistogram,
    "Time from the first request that found the server unavailable to the failover decision, "
    "by the server that failed."};
const Family Families::test_call_setup{
    "sipsentry_test_call_setup_seconds", Type::kHistogram,
    "Time from a test call's INVITE to its 200 OK, by the server that carried the INVITE."};
const Family Families::test_call_post_dial_delay{
    "sipsentry_test_call_post_dial_delay_seconds", Type::kHistogram,
    "Post-dial delay: time from a test call's INVITE to its first 18x response (100 Trying "
    "does not count), by the server that carried the INVITE."};
const Family Families::build_info{"sipsentry_build_info", Type::kGauge,
                                  "Always 1; the version label says which sipsentry is running."};
const Family Families::config_reload_successful{
    "sipsentry_config_last_reload_successful", Type::kGauge,
    "1 when the last load or reload of the configuration succeeded."};
const Family Families::config_reload_timestamp{
    "sipsentry_config_last_reload_success_timestamp_seconds", Type::kGauge,
    "Unix time of the last successful configuration load."};
const Family Families::sip_messages_dropped{
    "sipsentry_sip_messages_dropped_total", Type::kCounter,
    "SIP messages from the network that were dropped, by reason."};

}  // namespace sipsentry::metrics
