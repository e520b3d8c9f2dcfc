// Pending login state: what a scriptable login (`--print-auth-url`) must remember until it is
// completed (`--callback-url`, `--auth-code`, `--complete`) by a later process.
//
// One file per key, <jcode home>/pending-login/<key>.json, mode 0600, written atomically:
//   {"expires_at_ms": N, "login": {"provider": "<provider>", ...}}
// Keys are "<provider>" (the engine's own OAuth/device state) or "<provider>.<name>"
// (host->state_put of a plugin). A record is single-use: completing a login erases it.
#pragma once

#include <jcode/auth/io.hpp>
#include <jcode/error.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace jcode::auth {

inline constexpr int64_t kPendingOAuthTtlMs = 30 * 60 * 1000;

struct PendingRecord {
  int64_t expires_at_ms = 0;
  nlohmann::json login;  // object; login["provider"] is the provider id
};

class PendingStore {
 public:
  // dir: <jcode home>/pending-login
  explicit PendingStore(std::filesystem::path dir, NowMs now = system_now_ms);

  static PendingStore in_home(const std::filesystem::path& jcode_home, NowMs now = system_now_ms);

  // "<provider>" or "<provider>.<name>"; JCODE_E_INVALID_ARG for anything else (no paths).
  static Status check_key(std::string_view key);
  std::filesystem::path path_for(std::string_view key) const;

  // Saves login (a JSON object; "provider" is set from the key) to expire ttl_ms from now,
  // replacing an earlier record of that key. Stale records are removed first.
  Result<PendingRecord> put(std::string_view key, nlohmann::json login, int64_t ttl_ms);

  // The record of key. Stale records are removed first. A missing record is
  // JCODE_E_NOT_FOUND, an expired one is deleted and JCODE_E_AUTH_EXPIRED; both messages
  // name the command to run (`jcode login --provider <p> --print-auth-url`).
  Result<PendingRecord> get(std::string_view key);

  // Removes the record of key; absent is fine.
  Status erase(std::string_view key);

  // Deletes every <dir>/*.json that parses as a record with expires_at_ms <= now. Files that
  // do not parse, symlinks, and other names are left alone. Returns how many were removed.
  size_t cleanup_stale();

  // Host service variants (host->state_put/get/erase): the value is the plugin's own text.
  Status put_value(std::string_view key, std::string_view value, int64_t ttl_ms);
  Result<std::string> get_value(std::string_view key);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  NowMs now_;
};

}  // namespace jcode::auth
