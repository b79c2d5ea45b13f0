#pragma once

#include "engine/event.h"
#include "engine/line_settings.h"

namespace sipsentry::daemon {

/// Where a line's events go: the event log, and (later) the metrics.
class EventObserver {
 public:
  virtual ~EventObserver() = default;
  /// `event` happened on `line`. Called on the event loop.
  virtual void on_event(const engine::LineSettings& line, const engine::Event& event) = 0;
};

}  // namespace sipsentry::daemon
