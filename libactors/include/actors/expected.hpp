#pragma once

#include <utility>
#include <variant>

#include "actors/error_kind.hpp"

namespace actors {

/// Either a value or the `error_info` that explains why there is none.
template <class T>
class expected {
public:
  /// Holds a value.
  expected(T value) : storage_(std::move(value)) {}

  /// Holds an error.
  expected(error_info err) : storage_(std::move(err)) {}

  /// True when a value is present.
  explicit operator bool() const noexcept { return storage_.index() == 0; }

  /// The value; only valid when `*this` is true.
  T& operator*() { return std::get<0>(storage_); }

  /// The value; only valid when `*this` is true.
  const T& operator*() const { return std::get<0>(storage_); }

  /// Member access to the value; only valid when `*this` is true.
  T* operator->() { return &std::get<0>(storage_); }

  /// Member access to the value; only valid when `*this` is true.
  const T* operator->() const { return &std::get<0>(storage_); }

  /// The error; only valid when `*this` is false.
  const error_info& error() const { return std::get<1>(storage_); }

private:
  std::variant<T, error_info> storage_;
};

} // namespace actors
