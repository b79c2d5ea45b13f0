// The path a response from the network takes: its bytes through Sofia-SIP's
// parser (as NTA hands it to the adapter), the response reader, and the
// engine's on_outcome. Whatever the bytes, what reaches the engine is
// possible() (its REQUIRES), and the engine runs on with it.
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

#include "engine/virtual_driver.h"
#include "fuzz_check.h"
#include "sip/response_reader.h"
#include "sip/sofia_handles.h"

namespace {

using namespace sipsentry;
using namespace std::chrono_literals;

// The Contact the adapter sends (SofiaRequest::contact_uri()); the seeds'
// 200s list it, so that the fuzzer starts from a granted binding.
constexpr const char* kContact = "sip:1001@127.0.0.1:5070;transport=udp";

/// Two servers that both answer every request with `outcome`, with every
/// periodic request and a test call on, run for a few virtual minutes.
void run_engine_with(const engine::Outcome& outcome) {
  engine::LineSettings line;
  line.name = "fuzz";
  line.user = "1001";
  line.domain = "127.0.0.1";
  line.servers = {engine::Server{.name = "a", .address = "127.0.0.1", .port = 5080},
                  engine::Server{.name = "b", .address = "127.0.0.1", .port = 5081}};
  line.keepalive_interval = 20s;
  line.observe_interval = 40s;
  line.failback.interval = 60s;
  line.test_call = engine::TestCallSettings{
      .target = "sip:echo@127.0.0.1", .interval = 50s, .duration = 1s, .ring_timeout = 5s};
  engine::VirtualDriver driver(std::move(line), [&](const engine::SendRequest&, engine::Millis) {
    return engine::VirtualDriver::Reply{10ms, outcome};
  });
  driver.start();
  driver.advance_to(3min);
  for (const engine::Event& event : driver.events())
    if (const auto* registered = std::get_if<engine::Registered>(&event.what))
      FUZZ_CHECK(registered->expires > 0ms && registered->expires <= engine::kMaxExpiry,
                 "a registration lasts a while, at most RFC 3261's longest expiry");
  // A granted expiry of a second, refreshed at 90 %, is ~200 REGISTERs in
  // three minutes; thousands mean the engine loops on the answer.
  FUZZ_CHECK(driver.wire().size() < 5000, "the engine does not flood the server");
  driver.stop();
}

void check_local_failure(msg_t* message, int status) {
  sip_t* response = sip_object(message);
  FUZZ_CHECK(!sip::local_failure(status, response, 0, engine::Transport::kUdp),
             "a response from the network is no local failure");
  // The same response as if Sofia had made it, with each kind of error.
  response->sip_flags |= 1u << 15;
  for (int error : {0, ECONNREFUSED, ECONNRESET, ETIMEDOUT})
    for (auto transport : {engine::Transport::kUdp, engine::Transport::kTls}) {
      auto failure = sip::local_failure(status, response, error, transport);
      FUZZ_CHECK(failure.has_value(), "a response Sofia made is a local failure");
      FUZZ_CHECK(!failure->description.empty(), "a local failure says what happened");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sip::MsgRef message(msg_make(sip_default_mclass(), 0, reinterpret_cast<const char*>(data), size));
  sip_t const* response = message ? sip_object(message.get()) : nullptr;
  // NTA passes only responses to a transaction's callback.
  if (!response || !response->sip_status) return 0;
  int status = response->sip_status->st_status;

  sip::HomePtr home(sip::new_home());
  url_t* contact = url_make(home.get(), kContact);
  std::optional<engine::Outcome> outcome = sip::outcome_of(status, response, contact);
  if (status < 100 || status > 699) {
    FUZZ_CHECK(!outcome, "a status outside 100-699 is dropped");
  } else {
    FUZZ_CHECK(outcome.has_value(), "a status of 100-699 is an outcome");
    FUZZ_CHECK(outcome->possible(), "the outcome satisfies the engine's REQUIRES");
    FUZZ_CHECK(outcome->status == status && !outcome->error, "the outcome is the response's");
    FUZZ_CHECK(!outcome->expires || (status >= 200 && status < 300), "only a 2xx grants an expiry");
    run_engine_with(*outcome);
  }
  check_local_failure(message.get(), status);
  return 0;
}
