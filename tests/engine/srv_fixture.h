#pragma once
// Lines whose servers resolve by SRV (spec.md §2 "Servers by name"): the
// test hands the engine each server's targets, and scripted servers answer
// by the host a request went to.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine_fixture.h"

namespace sipsentry::engine::testing {

inline Target udp_target(std::string host, uint16_t port = 5060) {
  return Target{std::move(host), port, Transport::kUdp};
}

/// `entries` servers given by name (no port: resolved by SRV), with the
/// fixture's defaults: nothing periodic unless a test turns it on.
inline LineSettings srv_line(size_t entries = 1) {
  LineSettings line = two_server_line();
  line.servers.clear();
  for (size_t i = 0; i < entries; ++i) {
    std::string name = "voip" + std::to_string(i) + ".example.com";
    line.servers.push_back(Server{.name = name, .address = name});
  }
  return line;
}

/// The host a request went to: its SRV target, else the server as configured.
inline std::string host_of(const SendRequest& request, const LineSettings& line) {
  return request.target ? request.target->host : line.servers.at(request.server).address;
}

/// Servers scripted by host; a host not scripted is silent.
class HostServers {
 public:
  explicit HostServers(LineSettings line) : line_(std::move(line)) {}
  void set(const std::string& host, std::optional<Outcome> outcome) { behaviour_[host] = outcome; }
  void answer(const std::string& host, int status) { set(host, Outcome::response(status)); }
  void silent(const std::string& host) { set(host, std::nullopt); }

  VirtualDriver::Responder responder() {
    return [this](const SendRequest& request, Millis) -> std::optional<VirtualDriver::Reply> {
      auto found = behaviour_.find(host_of(request, line_));
      if (found == behaviour_.end() || !found->second) return std::nullopt;
      return VirtualDriver::Reply{0ms, *found->second};
    };
  }

 private:
  LineSettings line_;
  std::map<std::string, std::optional<Outcome>> behaviour_;
};

/// A line whose servers[i] has the SRV targets `sets[i]` before start-up (as
/// the driver resolves them), started at 0 and run to 1 ms; hosts answer
/// as `answers` says until the test changes it.
struct SrvLine {
  SrvLine(LineSettings line, const std::vector<std::vector<Target>>& sets,
          const std::map<std::string, Outcome>& answers)
      : servers(line), driver(line, servers.responder()) {
    for (const auto& [host, outcome] : answers) servers.set(host, outcome);
    for (size_t i = 0; i < sets.size(); ++i) driver.set_targets(i, sets[i]);
    driver.start();
    driver.advance_to(1ms);
  }
  HostServers servers;
  VirtualDriver driver;
};

/// The wire sends to `host`, as times; only those of `purpose` when given.
inline std::vector<Millis> sends_to(const VirtualDriver& driver, const std::string& host,
                                    std::optional<Purpose> purpose = {}) {
  std::vector<Millis> times;
  for (const WireSend& send : driver.wire())
    if (host_of(send.request, driver.engine().settings()) == host &&
        (!purpose || send.request.purpose == *purpose))
      times.push_back(send.at);
  return times;
}

/// The first sends of `driver`'s requests with `purpose`, in order.
inline std::vector<SendRequest> requests_of(const VirtualDriver& driver, Purpose purpose) {
  std::vector<SendRequest> found;
  for (const WireSend& send : driver.wire())
    if (send.attempt == 0 && send.request.purpose == purpose) found.push_back(send.request);
  return found;
}

}  // namespace sipsentry::engine::testing
