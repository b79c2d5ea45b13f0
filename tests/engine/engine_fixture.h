#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/virtual_driver.h"

namespace sipsentry::engine::testing {

/// Two UDP servers, the defaults of spec.md §10, and nothing periodic unless
/// a test turns it on, so that every wire send in a test is one it expects.
inline LineSettings two_server_line() {
  LineSettings line;
  line.name = "reception";
  line.user = "1001";
  line.domain = "pbx.example.com";
  line.servers = {Server{.name = "pbx-a", .address = "192.0.2.10"},
                  Server{.name = "pbx-b", .address = "192.0.2.11"}};
  line.keepalive_interval = 0ms;
  line.observe_interval = 0ms;
  return line;
}

/// Scripted servers: each server index answers every request with a fixed
/// outcome, or stays silent; a method may be given its own behaviour (a
/// server that registers but refuses calls); `set` changes a server's
/// behaviour mid-test.
class ScriptedServers {
 public:
  void set(size_t server, std::optional<Outcome> outcome) { behaviour_[{server, {}}] = outcome; }
  void silent(size_t server) { set(server, std::nullopt); }
  void answer(size_t server, int status) { set(server, Outcome::response(status)); }
  void fail(size_t server, TransportError error) { set(server, Outcome::failure(error)); }
  /// Only requests with `method` get `outcome` (nullopt: silence).
  void set(size_t server, Method method, std::optional<Outcome> outcome) {
    behaviour_[{server, method}] = outcome;
  }
  void answer(size_t server, Method method, int status) {
    set(server, method, Outcome::response(status));
  }

  VirtualDriver::Responder responder() {
    return [this](const SendRequest& request, Millis) -> std::optional<VirtualDriver::Reply> {
      auto found = behaviour_.find({request.server, request.method});
      if (found == behaviour_.end()) found = behaviour_.find({request.server, {}});
      if (found == behaviour_.end() || !found->second) return std::nullopt;
      return VirtualDriver::Reply{0ms, *found->second};
    };
  }

 private:
  std::map<std::pair<size_t, std::optional<Method>>, std::optional<Outcome>> behaviour_;
};

/// A line on scripted servers, started at 0 and run to 1 ms so that the
/// answers given at 0 are in: servers[i] answers every request with
/// `answers[i]` (nullopt: silence) until the test changes it.
struct ScriptedLine {
  ScriptedLine(LineSettings line, const std::vector<std::optional<Outcome>>& answers)
      : driver(std::move(line), servers.responder()) {
    for (size_t i = 0; i < answers.size(); ++i) servers.set(i, answers[i]);
    driver.start();
    driver.advance_to(1ms);
  }
  ScriptedServers servers;
  VirtualDriver driver;
};

/// The wire sends of `driver` to `server` with `method`, as times.
inline std::vector<Millis> send_times(const VirtualDriver& driver, size_t server, Method method) {
  std::vector<Millis> times;
  for (const WireSend& send : driver.wire())
    if (send.request.server == server && send.request.method == method) times.push_back(send.at);
  return times;
}

/// The newest request still waiting for its outcome (tests that answer by hand).
/// Throws (a test failure) when there is none.
inline const SendRequest& latest_request(const VirtualDriver& driver) {
  if (driver.in_flight().empty()) throw std::logic_error("no request in flight");
  return driver.in_flight().rbegin()->second;
}

/// The events of type T that `driver` recorded, with their times.
template <typename T>
std::vector<std::pair<Millis, T>> events_of(const VirtualDriver& driver) {
  std::vector<std::pair<Millis, T>> found;
  for (const Event& event : driver.events())
    if (auto* what = std::get_if<T>(&event.what)) found.emplace_back(event.at, *what);
  return found;
}

/// Each failover of `driver` as one line, e.g.
/// "37500ms 1->0 OPTIONS timeout detected in 7500ms".
inline std::vector<std::string> failover_log(const VirtualDriver& driver) {
  std::vector<std::string> log;
  for (const auto& [at, failover] : events_of<Failover>(driver))
    log.push_back(std::to_string(at.count()) + "ms " + std::to_string(failover.from) + "->" +
                  std::to_string(failover.to) + " " + to_string(failover.method) + " " +
                  failover.reason.label() + " detected in " +
                  std::to_string(failover.detection.count()) + "ms");
  return log;
}

}  // namespace sipsentry::engine::testing
