// Keeps OAuth access tokens fresh without ever spending a refresh token twice.
//
//  - A token is refreshed when it expires within 5 minutes (clock skew tolerated), or once
//    after the service answered 401 (force).
//  - One refresh at a time per provider/account: an in-process mutex, then an exclusive
//    flock on <jcode home>/locks/<provider>[.<account>].lock (timeout). Under the lock the
//    store is re-read: a token another thread or process already refreshed is adopted, not
//    refreshed again.
//  - Before the refresh token is sent, check_save proves the successor can be saved; the
//    rotated refresh token is then saved (atomically, by the caller's save callback, retried
//    on failure) before the new access token is returned.
//  - A refresh token the server rejected for good (invalid_grant…) is remembered by
//    fingerprint in <jcode home>/auth-refresh-state.json and never sent again.
//  - Credentials read from another tool's file are never refreshed: rotating them would log
//    that tool out. They are re-read (their owner may have refreshed them); if still
//    expired, the user is told which tool to run.
#pragma once

#include <jcode/auth/io.hpp>
#include <jcode/auth/token_endpoint.hpp>
#include <jcode/error.hpp>
#include <jcode/model/credential.hpp>
#include <jcode/model/oauth_client.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace jcode::auth {

inline constexpr int64_t kRefreshWindowMs = 5 * 60 * 1000;

// Expires within the window (an unknown expiry, 0, never needs a refresh by time).
bool needs_refresh(const model::Credential& cred, int64_t now_ms, int64_t window_ms = kRefreshWindowMs);
// Past its expiry (an unknown expiry never is).
bool is_expired(const model::Credential& cred, int64_t now_ms);

struct RefreshTarget {
  std::string provider;  // plugin id
  std::string account;   // "" for single-account stores
  std::string display;   // "Claude", for messages (defaults to provider)

  // The refresh grant (RFC 6749 §6).
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  model::TokenBody body = model::TokenBody::form;
  std::string refresh_scopes;  // "scope" of the grant; dropped and retried on invalid_scope

  // The credential as stored now (nullopt: none), and how to store a new one. For a
  // credential from jcode's own store these wrap CredentialStore + the plugin's
  // parse/serialize; save must be atomic.
  std::function<Result<std::optional<model::Credential>>()> load;
  std::function<Status(const model::Credential&)> save;
  // Optional: whether save can succeed now. Asked before the refresh token is spent, so a
  // full disk or an unusable directory fails the refresh with the old login still valid.
  std::function<Status()> check_save;
  TokenMapper mapper;  // empty: map_token_response

  // Set for credentials from another tool's file or command: never refreshed.
  bool external = false;
  std::string external_label;  // "Claude Code CLI"
  std::string external_hint;   // what refreshes it, e.g. "run `claude` once"
};

struct RefreshResult {
  model::Credential credential;
  bool refreshed = false;  // this call redeemed the refresh token
  bool adopted = false;    // another thread/process had refreshed it already
};

// One record of auth-refresh-state.json.
struct RefreshStateEntry {
  int64_t last_attempt_ms = 0;
  std::optional<int64_t> last_success_ms;
  std::optional<std::string> last_error;
  std::optional<std::string> rejected_refresh_fingerprint;
};

class RefreshCoordinator {
 public:
  explicit RefreshCoordinator(std::filesystem::path jcode_home, HttpFn http = default_http(),
                              NowMs now = system_now_ms,
                              std::chrono::milliseconds lock_timeout = std::chrono::seconds(30));

  // A usable credential: `current` when it is fresh enough, else the refreshed (or adopted)
  // one. force: refresh even if not expiring (after a 401; `jcode auth refresh`).
  // JCODE_E_AUTH_REQUIRED when the user must log in again (the message says how).
  Result<RefreshResult> ensure_fresh(const RefreshTarget& target, const model::Credential& current,
                                     bool force = false) const;

  // The record of key ("<provider>" or "<provider>:<account>"), if any.
  Result<std::optional<RefreshStateEntry>> state(const std::string& key) const;

  std::filesystem::path lock_path(const std::string& provider, const std::string& account) const;
  std::filesystem::path state_path() const;

 private:
  Result<RefreshResult> refresh_locked(const RefreshTarget& target, const model::Credential& current,
                                       bool force) const;
  Status record(const std::string& key, const std::function<void(RefreshStateEntry&)>& update) const;
  void note(const std::string& key, const std::function<void(RefreshStateEntry&)>& update) const;  // record, warn on failure

  std::filesystem::path home_;
  HttpFn http_;
  NowMs now_;
  std::chrono::milliseconds lock_timeout_;
};

// First 16 hex characters of SHA-256(secret): names a token in records without holding it.
std::string token_fingerprint(std::string_view secret);

}  // namespace jcode::auth
