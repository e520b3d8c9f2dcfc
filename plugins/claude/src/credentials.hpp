// Claude credential formats: jcode's own ~/.jcode/auth.json (read and written) and Claude
// Code's ~/.claude/.credentials.json (read only). Pure functions over JSON text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::claude {

struct OAuthTokens {
  std::string access;
  std::string refresh;
  int64_t expires_at_ms = 0;
  std::string email;
  std::string subscription_type;
  std::string scopes;  // space-separated
};

struct ParseResult {
  std::optional<OAuthTokens> tokens;  // nullopt + empty error: nothing for Claude here
  std::string error;                  // malformed content (message without secrets)
};

// {"anthropic_accounts":[{label, access, refresh, expires, email?, subscription_type?,
// scopes?}], "active_anthropic_account": label} — or the legacy {"anthropic":{...}}.
ParseResult parse_jcode_auth(std::string_view text);

// {"claudeAiOauth":{accessToken, refreshToken, expiresAt (ms or RFC 3339),
// subscriptionType, scopes}} or the bare inner object.
ParseResult parse_claude_code(std::string_view text);

struct SerializeResult {
  std::string text;
  std::string error;
};

// New auth.json content: `tokens` stored as the active account (kept label, or "default"),
// other accounts and unknown keys kept. tokens == nullptr removes the active account.
SerializeResult serialize_jcode_auth(std::string_view current, const OAuthTokens* tokens);

}  // namespace jcode::claude
