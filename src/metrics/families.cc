#include "metrics/families.h"

#include <string>

namespace sipsentry::metrics {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using prometheus::Registry;

Family<Gauge>& gauge(Registry& registry, const std::string& name, const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

Family<Counter>& counter(Registry& registry, const std::string& name, const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

Family<Histogram>& histogram(Registry& registry, const std::string& name, const std::string& help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry);
}

}  // namespace

const Histogram::BucketBoundaries& Buckets::request_duration() {
  static const Histogram::BucketBoundaries bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                  1,     2,    4,     8,    16,  32,   64};
  return bounds;
}

const Histogram::BucketBoundaries& Buckets::failover_detection() {
  static const Histogram::BucketBoundaries bounds{0.01, 0.05, 0.1, 0.5, 1,  2,
                                                  4,    7.5,  10,  16,  32, 64};
  return bounds;
}

const Histogram::BucketBoundaries& Buckets::test_call_setup() {
  static const Histogram::BucketBoundaries bounds{0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64};
  return bounds;
}

Families::Families(Registry& registry)
    : server_up(gauge(registry, "sipsentry_server_up",
                      "1 when the last request to the server found it available, 0 when it "
                      "found it unavailable.")),
      server_failures(counter(registry, "sipsentry_server_failures_total",
                              "Requests that found the server unavailable, by reason.")),
      requests(counter(registry, "sipsentry_requests_total",
                       "Requests by final outcome: the status class (2xx to 6xx) or the reason "
                       "the server was unavailable.")),
      request_duration(histogram(registry, "sipsentry_request_duration_seconds",
                                 "Time from a request's first send to its final response, for "
                                 "requests that got one.")),
      line_registered(
          gauge(registry, "sipsentry_line_registered", "1 while the line holds a registration.")),
      line_active_server(gauge(registry, "sipsentry_line_active_server",
                               "1 on the server the line is registered with, 0 on the others.")),
      line_state(gauge(registry, "sipsentry_line_state",
                       "1 on the line's current state, 0 on the others.")),
      registration_expiry(gauge(registry, "sipsentry_registration_expiry_timestamp_seconds",
                                "Unix time at which the line's last granted registration "
                                "expires.")),
      failovers(counter(registry, "sipsentry_failovers_total",
                        "Switches away from a server that a request found unavailable.")),
      failbacks(counter(registry, "sipsentry_failbacks_total",
                        "Switches back to the primary after a successful failback probe.")),
      switches(counter(registry, "sipsentry_line_switches_total",
                       "Failovers and failbacks of the line together; at 0 from the start, so "
                       "that increase() counts the first one (for flapping alerts).")),
      failback_probes(counter(registry, "sipsentry_failback_probes_total",
                              "Failback probes to the primary, by result.")),
      register_failures(counter(registry, "sipsentry_register_failures_total",
                                "Failover failures: every server of the line was unavailable.")),
      last_switch(gauge(registry, "sipsentry_last_switch_timestamp_seconds",
                        "Unix time of the line's last failover or failback.")),
      failover_detection(histogram(registry, "sipsentry_failover_detection_seconds",
                                   "Time from the first request that found the server "
                                   "unavailable to the failover decision.")),
      test_calls(counter(registry, "sipsentry_test_calls_total",
                         "Test calls by result: answered, a status code, or unavailable; "
                         "server is the one that carried the INVITE (none when no server "
                         "could).")),
      test_call_setup(histogram(registry, "sipsentry_test_call_setup_seconds",
                                "Time from a test call's INVITE to its 200 OK.")),
      test_call_post_dial_delay(histogram(registry, "sipsentry_test_call_post_dial_delay_seconds",
                                          "Post-dial delay: time from a test call's INVITE to "
                                          "its first 18x response (100 Trying does not count).")),
      build_info(gauge(registry, "sipsentry_build_info",
                       "Always 1; the version label says which sipsentry is running.")),
      config_reload_successful(gauge(registry, "sipsentry_config_last_reload_successful",
                                     "1 when the last load or reload of the configuration "
                                     "succeeded.")),
      config_reload_timestamp(gauge(registry,
                                    "sipsentry_config_last_reload_success_timestamp_seconds",
                                    "Unix time of the last successful configuration load.")),
      sip_messages_dropped(counter(registry, "sipsentry_sip_messages_dropped_total",
                                   "SIP messages from the network that were dropped, by "
                                   "reason.")) {}

}  // namespace sipsentry::metrics
