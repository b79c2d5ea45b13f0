#pragma once

#include <string>

#include "engine/event.h"
#include "engine/line_settings.h"

namespace sipsentry::daemon {

/// Where lines and their events go: the event log and the metrics.
/// Called on the event loop.
class EventObserver {
 public:
  virtual ~EventObserver() = default;
  /// `event` happened on `line`.
  virtual void on_event(const engine::LineSettings& line, const engine::Event& event) = 0;
  /// `line` is new, or starts over after a reload changed it: before its first event.
  virtual void on_line_added(const engine::LineSettings& /*line*/) {}
  /// The line called `name` is gone (a reload removed or replaced it).
  virtual void on_line_removed(const std::string& /*name*/) {}
};

}  // namespace sipsentry::daemon
