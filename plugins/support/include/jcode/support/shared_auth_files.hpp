// Readers for the multi-provider credential files of other tools that several providers
// import (OpenCode's ~/.local/share/opencode/auth.json, pi's ~/.pi/agent/auth.json). One
// implementation for every plugin; each plugin names the provider keys it looks for.
#pragma once

#include <jcode/plugin.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::support {

// The two files as declared sources. Every provider that imports them lists these same
// declarations (equal id and path: one approval covers all of them) and parses with
// parse_shared_auth, naming its own keys.
inline constexpr jcode_source_decl kOpenCodeAuthSource = plugin::source({.kind = JCODE_SOURCE_EXTERNAL_FILE,
                                                                          .id = "opencode_auth_json",
                                                                          .location = "~/.local/share/opencode/auth.json",
                                                                          .label = "OpenCode",
                                                                          .cred_kind = JCODE_CRED_OAUTH,
                                                                          .flags = JCODE_SOURCE_F_SHARED});
inline constexpr jcode_source_decl kPiAuthSource = plugin::source({.kind = JCODE_SOURCE_EXTERNAL_FILE,
                                                                    .id = "pi_auth_json",
                                                                    .location = "~/.pi/agent/auth.json",
                                                                    .label = "pi",
                                                                    .cred_kind = JCODE_CRED_OAUTH,
                                                                    .flags = JCODE_SOURCE_F_SHARED});

struct SharedEntry {
  bool oauth = false;         // false: an API key
  std::string access;         // access token, or the key
  std::string refresh;
  int64_t expires_at_ms = 0;  // 0 = unknown
  std::string account_id;
};

enum class SharedParse { found, absent, malformed };

struct SharedResult {
  SharedParse status = SharedParse::absent;
  SharedEntry entry;
  std::string error;  // for malformed
};

// Looks for the first of `keys` in an OpenCode or pi auth.json document. pi keys that name
// an environment variable are resolved by the caller (env_lookup); "!command" keys are
// never executed and count as absent.
SharedResult parse_shared_auth(std::string_view json_text, std::initializer_list<std::string_view> keys,
                               std::optional<std::string> (*env_lookup)(std::string_view, void*) = nullptr,
                               void* env_self = nullptr);

// Milliseconds since the epoch from an RFC 3339 timestamp ("2026-01-02T03:04:05Z",
// fractional seconds and offsets accepted); nullopt when malformed.
std::optional<int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace jcode::support
