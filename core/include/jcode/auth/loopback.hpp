// The loopback redirect listener of an authorization-code login (RFC 8252 §7.3): binds
// 127.0.0.1 only, and the socket it bound is the one that serves (no probe-then-rebind), so
// the port in the redirect URI is always ours. Only the exact callback path is answered
// (anything else 404); the first accepted callback completes the wait and later ones are
// told the login already finished, so a code is never exchanged twice.
#pragma once

#include <jcode/auth/callback.hpp>
#include <jcode/error.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace jcode::auth {

struct LoopbackOptions {
  uint16_t port = 0;                // 0: a free port chosen by the OS; else fixed
  std::string host = "localhost";   // the host name written in the redirect URI
  std::string path = "/callback";
  // Set: the engine's own login — a callback must carry this state (a missing or wrong one
  // gets a 400 page and the listener keeps waiting, with no token request), and error=
  // ends the login. Unset (host->loopback_listen): the first request on the path with a
  // query completes the wait; the plugin checks it.
  std::optional<std::string> expected_state;
};

struct LoopbackResult {
  CallbackParams params;
  std::string query;  // the raw query string, without '?'
};

class LoopbackListener {
 public:
  // Binds and starts serving. A fixed port that is busy fails at once with JCODE_E_IO and a
  // message naming the port, so the caller can switch to pasting.
  static Result<std::unique_ptr<LoopbackListener>> start(const LoopbackOptions& options);

  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  uint16_t port() const;
  // http://<host>:<port><path>
  const std::string& redirect_uri() const;

  // Blocks until a callback was accepted (or deliver() was called), the timeout passed
  // (JCODE_E_TIMEOUT) or cancelled() turned true (JCODE_E_CANCELLED). A callback with
  // error= gives JCODE_E_DENIED. Returns the same outcome when called again.
  Result<LoopbackResult> wait(std::chrono::milliseconds timeout,
                              const std::function<bool()>& cancelled = {});

  // Completes the wait from elsewhere (a pasted callback, or an error). Returns false when
  // the wait was already completed; the outcome is not changed then.
  bool deliver(Result<LoopbackResult> outcome);

  // Stops serving and releases the port. Idempotent; the destructor calls it.
  void close();

  struct Impl;

 private:
  explicit LoopbackListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jcode::auth
