// OpenAI credential formats: jcode's own ~/.jcode/openai-auth.json (several accounts, one
// active), Codex CLI's ~/.codex/auth.json (read only), and token endpoint responses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::openai {

struct Tokens {
  bool api_key = false;  // true: access holds an OpenAI API key
  std::string access, refresh, id_token, account_id, email;
  int64_t expires_at_ms = 0;  // 0 = unknown
};

struct ParseResult {
  std::optional<Tokens> tokens;  // nullopt and no error: the file holds nothing usable
  std::string error;             // malformed (message names what and how to fix)
};

struct SerializeResult {
  std::string text;
  std::string error;
};

// A stored expiry: milliseconds, or seconds when it is too small to be milliseconds.
int64_t expiry_ms(int64_t stored);

// Fills account_id, email and expiry from the JWTs where the record lacks them.
void complete_from_jwts(Tokens& t);

// {"openai_accounts":[{label, access_token, refresh_token, id_token?, account_id?,
// expires_at?, email?}], "active_openai_account": label}; also a flat legacy object.
ParseResult parse_jcode_auth(std::string_view text);

// The new file content holding t as the active account, keeping the other accounts and any
// unknown fields; t == nullptr removes the active account.
SerializeResult serialize_jcode_auth(std::string_view current, const Tokens* t);

// Codex CLI auth.json: {auth_mode?, OPENAI_API_KEY?, tokens?{id_token, access_token,
// refresh_token, account_id, expires_at?}, last_refresh?}. ChatGPT tokens win unless
// auth_mode says "apikey"; a key alone yields an API-key credential.
ParseResult parse_codex_auth(std::string_view text);

// A token endpoint response (login or refresh). previous: the credential being refreshed
// (its refresh token, id_token and account are kept when the response omits them).
ParseResult map_token_response(std::string_view json, const Tokens* previous, int64_t now_ms);

}  // namespace jcode::openai
