#pragma once

#include <vector>

#include "daemon/event_observer.h"

namespace sipsentry::daemon {

/// Hands everything to each of several observers, in order.
/// REQUIRES: the observers outlive the list.
class ObserverList : public EventObserver {
 public:
  explicit ObserverList(std::vector<EventObserver*> observers) : observers_(std::move(observers)) {}

  void on_event(const engine::LineSettings& line, const engine::Event& event) override {
    for (EventObserver* observer : observers_) observer->on_event(line, event);
  }
  void on_line_added(const engine::LineSettings& line) override {
    for (EventObserver* observer : observers_) observer->on_line_added(line);
  }
  void on_line_removed(const std::string& name) override {
    for (EventObserver* observer : observers_) observer->on_line_removed(name);
  }

 private:
  std::vector<EventObserver*> observers_;
};

}  // namespace sipsentry::daemon
