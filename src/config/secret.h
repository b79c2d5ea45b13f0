#pragma once

#include <ostream>
#include <string>
#include <utility>

namespace sipsentry::config {

/// A password. Its value is reachable only through reveal(), so that it
/// cannot end up in a log line, a metric or an error message by accident.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  /// REQUIRES: the caller sends the value to the SIP stack, nowhere else.
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend std::ostream& operator<<(std::ostream& out, const Secret&) { return out << "***"; }
  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

}  // namespace sipsentry::config
