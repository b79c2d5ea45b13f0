#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace sipsentry::cli {

/// An optional value kept on the heap: 8 bytes while empty, where a
/// std::optional always takes the value's whole size. For the large parts
/// of a line's result that most lines never have (a failover, a test call,
/// a TLS certificate): the status board keeps a result for each of 10,000
/// lines, and their empty std::optionals were nearly half of it. Copies
/// are deep, as a std::optional's; the operations are std::optional's that
/// the results use.
template <typename T>
class BoxedOptional {
 public:
  BoxedOptional() = default;
  BoxedOptional(std::nullopt_t) {}  // NOLINT: implicit, as std::optional's
  BoxedOptional(T value)            // NOLINT: implicit, as std::optional's
      : value_(std::make_unique<T>(std::move(value))) {}
  BoxedOptional(const BoxedOptional& other)
      : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  BoxedOptional(BoxedOptional&&) noexcept = default;
  BoxedOptional& operator=(const BoxedOptional& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  BoxedOptional& operator=(BoxedOptional&&) noexcept = default;
  BoxedOptional& operator=(std::nullopt_t) {
    value_.reset();
    return *this;
  }
  ~BoxedOptional() = default;

  bool has_value() const { return value_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return value_.get(); }
  const T* operator->() const { return value_.get(); }
  void reset() { value_.reset(); }
  bool operator==(std::nullopt_t) const { return !has_value(); }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace sipsentry::cli
