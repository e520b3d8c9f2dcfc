// Requests to OAuth token endpoints (RFC 6749 §4.1.3, §6; RFC 8628 §3.4) and the mapping of
// their JSON answers to a Credential.
#pragma once

#include <jcode/auth/io.hpp>
#include <jcode/error.hpp>
#include <jcode/model/credential.hpp>
#include <jcode/model/oauth_client.hpp>
#include <jcode/text/text.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::auth {

struct TokenReply {
  int status = 0;
  std::string body;
  nlohmann::json json;            // the parsed body when it is a JSON object (or a form body)
  std::string error;              // "error" of an OAuth error answer (JSON or form-encoded)
  std::string error_description;
  std::optional<int64_t> interval;  // "interval" of a device-flow answer (slow_down)

  bool success() const { return status >= 200 && status < 300 && error.empty(); }
};

// POSTs params to url as application/x-www-form-urlencoded or as a JSON object of strings,
// with Accept: application/json. Transport failures are errors; any HTTP status is a reply.
Result<TokenReply> post_token_request(const HttpFn& http, const std::string& url, model::TokenBody body,
                                      const text::FormFields& params,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A readable error for a failed reply: "<what> failed (HTTP 400): invalid_grant: …".
// The status is JCODE_E_AUTH_REQUIRED for invalid_grant / revoked tokens, JCODE_E_DENIED for
// access_denied, JCODE_E_SERVER for 5xx, JCODE_E_PROTOCOL otherwise.
Error token_error(const TokenReply& reply, std::string_view what);

// True when the server said the refresh token (or grant) is dead for good: invalid_grant
// and the texts providers use for it (revoked, reused, logged out).
bool is_permanent_rejection(const TokenReply& reply);

// Turns a token response into a credential (previous: the credential being refreshed, or
// null at login). Plugins may provide their own; this is the RFC 6749 default.
using TokenMapper =
    std::function<Result<model::Credential>(std::string_view json, const model::Credential* previous)>;

// RFC 6749 fields: access_token (required), refresh_token (the previous one is kept when the
// response has none), expires_in seconds → expires_at_ms = now + expires_in·1000, id_token.
// account_id, email and extra carry over from previous.
Result<model::Credential> map_token_response(std::string_view json, const model::Credential* previous,
                                             int64_t now_ms);
TokenMapper default_token_mapper(NowMs now = system_now_ms);

}  // namespace jcode::auth
