// The core's one error type and result wrapper. C++20 has no std::expected; this is the
// small subset the core needs. Status codes are the ABI's JCODE_E_* so an Error crosses the
// plugin boundary (status + set_error message) without translation.
#pragma once

#include <jcode/plugin.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace jcode {

struct Error {
  int32_t status = JCODE_E_INTERNAL;  // JCODE_E_* (negative)
  std::string message;                // for the user: names the file/flag and the fix; no secrets
};

inline Error make_error(int32_t status, std::string message) {
  return Error{status, std::move(message)};
}

// Thrown only by Result::value() on misuse (reading the value of an error result).
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Error& e)
      : std::logic_error("Result holds an error: " + e.message) {}
};

template <class T>
class [[nodiscard]] Result {
 public:
  // Implicit by design: `return value;` and `return Error{...};` both work.
  template <class U = T>
    requires(std::is_constructible_v<T, U &&> &&
             !std::is_same_v<std::remove_cvref_t<U>, Error> &&
             !std::is_same_v<std::remove_cvref_t<U>, Result>)
  Result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

  // Precondition: !ok().
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }
  int32_t status() const noexcept { return ok() ? JCODE_OK : std::get<1>(v_).status; }

 private:
  void check() const {
    if (!ok()) throw BadResultAccess(std::get<1>(v_));
  }
  std::variant<T, Error> v_;
};

// Result of an operation with no value: success, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return !e_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  // Precondition: !ok().
  const Error& error() const& { return *e_; }
  Error&& error() && { return std::move(*e_); }
  int32_t status() const noexcept { return ok() ? JCODE_OK : e_->status; }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

}  // namespace jcode
