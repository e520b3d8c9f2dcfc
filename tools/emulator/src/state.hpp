// The emulator's whole in-memory state. One mutex guards everything: requests are tiny and
// the lock is never held across I/O, so contention stays negligible.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "http_types.hpp"
#include "util.hpp"

namespace jemu {

struct Config {
  int access_token_ttl_s = 3600;
  int code_ttl_s = 600;
  bool auto_approve = false;
  std::size_t chunk_size = 16;     // bytes of text per streamed delta
  int stream_chunk_delay_ms = 0;   // pause between streamed events of the scripted model
  int device_interval_s = 5;
  int device_expires_in_s = 900;
  std::size_t log_capacity = 1000;
  std::size_t log_body_limit = 64 * 1024;
  std::string email = "user@example.com";
  std::string fixtures_dir;
};

json config_to_json(const Config& c);
/// Applies the known keys of `j`; returns an error message for a bad value.
std::optional<std::string> apply_config(Config& c, const json& j);

enum class TokenStyle { Claude, OpenAI, GitHub, Generic };

struct OAuthClient {
  std::string provider;  // "claude", "openai", "generic", "github"
  std::string client_id;
  std::string client_secret;  // empty = public client
  std::vector<std::string> redirect_uris;
  std::set<std::string> scopes;  // allowed scopes; empty = any
  std::string default_scope;
};

struct Grant {
  std::string id;
  std::string provider;
  std::string client_id;
  std::string scope;
  std::string account_id;  // Claude account uuid / ChatGPT account id / GitHub login
  std::string email;
  std::string refresh_token;  // the current one ("" for grants without refresh)
  bool revoked = false;
  std::int64_t created = 0;
};

struct AccessToken {
  std::string grant_id;  // "" for tokens not tied to a grant (Entra, Copilot)
  std::string provider;  // "claude", "openai", "generic", "github", "copilot", "entra"
  std::int64_t expires_at = 0;  // 0 = never
  bool revoked = false;
  std::string account_id;
};

struct RefreshRecord {
  std::string grant_id;
  bool rotated = false;  // true once exchanged: presenting it again is reuse
};

struct AuthCode {
  std::string provider, client_id, redirect_uri, challenge, scope, state;
  std::int64_t expires_at = 0;
  bool used = false;
  std::string grant_id;  // set once redeemed
};

struct DeviceCode {
  enum class Status { Pending, Approved, Denied, Consumed };
  std::string device_code, user_code, client_id, scope;
  Status status = Status::Pending;
  std::int64_t expires_at = 0;
  int interval = 5;
  std::int64_t last_poll_ms = -1;
  int polls = 0;
};

struct EntraApp {
  std::string tenant;  // "*" = any tenant
  std::string client_id;
  std::string client_secret;
};

struct QueuedResponse {
  std::string method;  // "" = any
  int status = 200;
  HeaderMap headers;
  std::string body;
  std::string content_type;
  std::string fixture;  // relative to Config::fixtures_dir
  int delay_ms = 0;
  int chunk_delay_ms = 0;
};

struct LogEntry {
  std::uint64_t seq = 0;
  std::int64_t time_ms = 0;
  std::string method, path, query;
  HeaderMap headers;
  std::string body;
  bool body_truncated = false;
  int status = 0;
};

struct TokenIssue {
  std::string access_token, refresh_token, id_token;
  int expires_in = 0;
};

class State {
 public:
  State();
  /// Everything back to defaults; the config returns to `initial_config` (set from the CLI).
  void reset();
  Config initial_config;

  mutable std::mutex mu;
  Config config;
  std::map<std::string, OAuthClient> clients;
  std::map<std::string, Grant> grants;
  std::map<std::string, AccessToken> access_tokens;
  std::map<std::string, RefreshRecord> refresh_tokens;
  std::map<std::string, AuthCode> codes;
  std::map<std::string, DeviceCode> devices;  // by device_code
  std::map<std::string, std::set<std::string>> api_keys;  // provider -> keys
  std::map<std::string, std::string> compat_auth_headers;  // OpenAI-compatible host -> key header (lower case)
  std::vector<EntraApp> entra_apps;
  std::map<std::string, std::deque<QueuedResponse>> queues;  // by route path
  std::deque<LogEntry> log;
  std::uint64_t log_seq = 0;
  std::map<std::string, std::map<int, std::uint64_t>> counters;  // "METHOD path" -> status -> n
  std::string jwt_key;
  /// Unique per reset() in this process: modules that keep their own state (google.cpp) start
  /// over when it changes.
  std::uint64_t epoch = 0;

  // ---- clock (seconds; control API can advance it) ----
  std::int64_t now() const { return unix_now_s() + offset_s_.load(); }
  std::int64_t now_ms() const;
  void advance(std::int64_t seconds) { offset_s_ += seconds; }

  // ---- helpers; the caller holds `mu` ----
  Grant& new_grant(const std::string& provider, const std::string& client_id, const std::string& scope,
                   const std::string& account_id = "", const std::string& email = "");
  /// Issues a fresh access token (and rotates the refresh token when `with_refresh`).
  TokenIssue issue(Grant& g, TokenStyle style, bool with_refresh);
  void revoke_grant(const std::string& grant_id);
  /// Valid = known, not revoked, not expired, grant alive, provider in `providers`.
  const AccessToken* valid_access(const std::string& token, std::initializer_list<const char*> providers) const;
  /// `expires_at` is absolute (State::now() seconds); 0 = never expires.
  std::string add_access_token(const std::string& provider, const std::string& token, std::int64_t expires_at,
                               const std::string& grant_id = "", const std::string& account_id = "");
  bool has_api_key(const std::string& provider, const std::string& key) const;

 private:
  std::atomic<std::int64_t> offset_s_{0};
};

TokenStyle style_for_provider(const std::string& provider);

}  // namespace jemu
