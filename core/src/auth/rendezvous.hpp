// Internal: the first of several producers (loopback callback, paste, poller) hands over one
// outcome; a waiter blocks for it with a deadline and a cancel check.
#pragma once

#include <jcode/error.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

namespace jcode::auth::detail {

template <class T>
class Rendezvous {
 public:
  bool deliver(Result<T> r) {
    {
      std::lock_guard lock(mu_);
      if (value_) return false;
      value_.emplace(std::move(r));
    }
    cv_.notify_all();
    return true;
  }

  // nullopt on timeout; the cancel check runs every 100 ms.
  std::optional<Result<T>> wait(std::chrono::milliseconds timeout, const std::function<bool()>& cancelled) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mu_);
    while (!value_) {
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return std::nullopt;
      if (cancelled && cancelled()) return Result<T>(Error{JCODE_E_CANCELLED, "login cancelled"});
      cv_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(100)));
    }
    return value_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Result<T>> value_;
};

}  // namespace jcode::auth::detail
