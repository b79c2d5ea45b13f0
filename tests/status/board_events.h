// Lines and engine events for the status board's tests, and a clock the
// test moves by hand.
#pragma once

#include <chrono>
#include <string>

#include "engine/event.h"
#include "engine/line_settings.h"
#include "status/status_board.h"

namespace sipsentry::status::fixtures {

using namespace std::chrono_literals;

/// A line with a primary and a backup (named as given).
inline engine::LineSettings two_server_line(const std::string& name,
                                            const std::string& primary = "pbx-a",
                                            const std::string& backup = "pbx-b") {
  engine::LineSettings line;
  line.name = name;
  line.servers = {{.name = primary, .address = "127.0.0.1", .port = 5060},
                  {.name = backup, .address = "127.0.0.2", .port = 5060}};
  return line;
}

inline engine::Event request(size_t server, bool available, int status,
                             std::optional<engine::Reason> reason = {},
                             engine::Method method = engine::Method::kOptions) {
  return {.what = engine::RequestFinished{
              .server = server,
              .method = method,
              .available = available,
              .outcome = status ? std::to_string(status / 100) + "xx" : reason->label(),
              .status = status,
              .reason = reason,
              .duration = 12ms}};
}

inline engine::Event state(engine::LineState from, engine::LineState to,
                           std::optional<engine::Reason> reason = {}) {
  return {.what = engine::StateChanged{.from = from, .to = to, .reason = reason}};
}

inline engine::Event registered(size_t server) {
  return {.what = engine::Registered{.server = server, .expires = 60s}};
}

inline engine::Event failover(size_t from, size_t to) {
  return {.what = engine::Failover{.from = from,
                                   .to = to,
                                   .method = engine::Method::kRegister,
                                   .reason = {engine::Reason::Kind::kTimeout},
                                   .detection = 3200ms}};
}

/// A wall clock that stands still until the test moves it.
struct ManualClock {
  WallTime now = WallTime{} + std::chrono::seconds(1'800'000'000);
  StatusBoard::Clock clock() {
    return [this] { return now; };
  }
};

/// Feeds `board` the events of a line registering on `server` (0 primary,
/// 1 backup after the primary timed out).
inline void register_line(StatusBoard& board, const engine::LineSettings& line, size_t server) {
  using engine::LineState;
  board.on_line_added(line);
  if (server == 1) {
    board.on_event(line, request(0, false, 0, engine::Reason{engine::Reason::Kind::kTimeout},
                                 engine::Method::kRegister));
    board.on_event(line, failover(0, 1));
  }
  board.on_event(line, request(server, true, 200, {}, engine::Method::kRegister));
  board.on_event(line, state(LineState::kRegistering, LineState::kRegistered));
  board.on_event(line, registered(server));
}

}  // namespace sipsentry::status::fixtures
