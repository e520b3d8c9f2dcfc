// Authorization code + PKCE login (RFC 6749 §4.1, RFC 7636, RFC 8252) for a plugin's
// OAuthClient: interactive (browser or printed URL + QR, loopback listener and paste running
// together, first valid answer wins, exactly one code exchange) and scriptable
// (--print-auth-url saves pending state; --callback-url / --auth-code complete it later).
// The result is the token endpoint's raw JSON; turning it into a Credential is the
// caller's (the plugin's token_response, or map_token_response).
#pragma once

#include <jcode/auth/io.hpp>
#include <jcode/auth/pending.hpp>
#include <jcode/error.hpp>
#include <jcode/model/oauth_client.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::auth {

// Effective URLs of the client's endpoints (resolved by jcode::endpoints).
struct OAuthUrls {
  std::string authorize;
  std::string token;
  std::string revoke;  // optional
};

// What --print-auth-url tells a script. --json prints to_json().
struct ScriptablePrompt {
  std::string provider;
  std::string auth_url;        // the authorize URL, or the device verification URL
  std::string input_kind;      // auth_code_or_callback_url | callback_url | auth_code | complete
  std::string pending_path;
  std::string user_code;       // device flows
  int64_t expires_at_ms = 0;
  std::string resume_command;

  // {"status":"pending", provider, auth_url, input_kind, pending_path, user_code (null when
  // none), expires_at_ms, resume_command}
  nlohmann::json to_json() const;
};

// A login either produced tokens or was deferred (scriptable first half).
struct LoginOutcome {
  std::string token_json;                 // set when completed
  std::optional<ScriptablePrompt> pending;  // set when deferred
};

struct OAuthFlowContext {
  std::string provider;  // plugin id: names the pending state and the commands in messages
  model::OAuthClient client;
  OAuthUrls urls;
  UserIo* io = nullptr;
  HttpFn http;
  PendingStore* pending = nullptr;
  NowMs now = system_now_ms;
};

class OAuthFlow {
 public:
  explicit OAuthFlow(OAuthFlowContext ctx);

  // By the request: PRINT_AUTH_URL → print_auth_url; callback_url or auth_code given →
  // complete; otherwise interactive.
  Result<LoginOutcome> run(const model::LoginRequest& req);

  // The interactive login. NO_BROWSER: no browser is started; a provider with a manual
  // redirect page then uses it (paste only).
  Result<std::string> interactive(const model::LoginRequest& req);

  // Saves pending state (30 min) and prints the URL (text) or the prompt JSON (--json) on
  // stdout, instructions on stderr.
  Result<ScriptablePrompt> print_auth_url(bool json);

  // Completes a pending login with --callback-url (from_flag = "--callback-url") or
  // --auth-code input. The pending state is consumed before the exchange (single use).
  Result<std::string> complete(std::string_view input, std::string_view from_flag);

  // Pieces, public for tests and for the host's oauth_authorize service.
  std::string authorize_url(std::string_view redirect_uri, std::string_view state,
                            std::string_view challenge) const;
  Result<std::string> exchange(std::string_view code, std::string_view verifier,
                               std::string_view redirect_uri, std::string_view state) const;
  // auth_code_or_callback_url (bare codes and code#state allowed, e.g. Claude),
  // auth_code (the provider only shows a code, e.g. Gemini), or callback_url.
  std::string input_kind() const;

 private:
  Result<std::string> scriptable_redirect_uri() const;
  std::string resume_command() const;
  OAuthFlowContext ctx_;
};

}  // namespace jcode::auth
