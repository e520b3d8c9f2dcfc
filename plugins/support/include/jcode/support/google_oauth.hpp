// Google's OAuth dialect, once for every Google-backed provider (gemini, antigravity, google):
// the authorize/token/userinfo endpoints, token responses (a refresh keeps the old refresh
// token when Google returns none; a login without one is an error that says how to get one),
// the token file shape Google's own tools use (`expiry_date` in milliseconds), the credential
// hand-over to the host, the userinfo email and the Code Assist `loadCodeAssist` call.
#pragma once

#include <jcode/plugin.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::support::google {

inline constexpr const char* kAuthorizeUrl = "https://accounts.google.com/o/oauth2/v2/auth";
inline constexpr const char* kTokenUrl = "https://oauth2.googleapis.com/token";
inline constexpr const char* kRevokeUrl = "https://oauth2.googleapis.com/revoke";
inline constexpr const char* kUserinfoUrl = "https://www.googleapis.com/oauth2/v2/userinfo";
inline constexpr const char* kPermissionsUrl = "https://myaccount.google.com/permissions";
// Google issues a refresh token only on a consent screen for an offline grant.
inline constexpr const char* kOfflineConsentQuery = "access_type=offline&prompt=consent";

struct Tokens {
  std::string access, refresh, id_token, email, project_id, scope;
  int64_t expiry_date_ms = 0;  // 0 = unknown
};

struct Parsed {
  std::optional<Tokens> tokens;  // nullopt without error: nothing usable in the file
  std::string error;             // malformed: says what is wrong (the caller names the file)
};

// A token file: {access_token, refresh_token, expiry_date (ms) | expires_at (ms or s),
// id_token?, email?, project_id?, scope?} — jcode's own files and Gemini CLI's
// ~/.gemini/oauth_creds.json share it. `what` names the file in messages.
Parsed parse_token_file(std::string_view text, std::string_view what);

// The new content of a jcode token file holding t, keeping unknown fields of `current`.
// Returns "" and sets error when `current` is not a JSON object.
std::string serialize_token_file(std::string_view current, const Tokens& t, std::string& error);

// A token endpoint response. previous == nullptr: a login, where a missing refresh_token is an
// error naming `login_command` and how to revoke the old grant; otherwise a refresh, which
// keeps previous' refresh token (Google does not rotate), email and project.
Parsed map_token_response(std::string_view json, const Tokens* previous, int64_t now_ms,
                          std::string_view login_command);

// The credential steps every Google OAuth plugin shares, so a plugin's parse, serialize and
// token_response are one call each:
// a token file (jcode's own or Gemini CLI's), or — for a SHARED source (OpenCode, pi) — the
// first OAuth entry under one of `shared_keys`; JCODE_E_DECLINE when nothing is usable.
jcode_status parse_source(const plugin::Host& host, const jcode_source_decl& source, std::string_view content,
                          std::initializer_list<std::string_view> shared_keys, const jcode_credential_sink* out);
// The new content of jcode's own token file `file` (named in messages) for cred.
jcode_status serialize_source(const plugin::Host& host, std::string_view file, std::string_view current,
                              const jcode_credential* cred, jcode_sink* out);
// A token response (login: previous == nullptr; refresh: keeps previous' refresh token),
// optionally enriched (email, project) before it is put.
jcode_status put_token_response(const plugin::Host& host, std::string_view json, const jcode_credential* previous,
                                std::string_view login_command, const jcode_credential_sink* out,
                                const std::function<void(Tokens&)>& enrich = {});

// Between the host's credential and Tokens (project_id and scope travel in `extra`).
Tokens from_credential(const jcode_credential& c);
// Registers every token as a secret, then puts an OAUTH credential.
jcode_status put(const plugin::Host& host, const Tokens& t, const jcode_credential_sink* out);

// A JSON answer of a Google API: HTTP status, parsed body (null when not JSON), raw body.
struct ApiReply {
  jcode_status status = JCODE_OK;  // transport failure (the host set the message)
  int32_t http_status = 0;
  nlohmann::json body;
  std::string raw;
  bool ok() const { return status == JCODE_OK && http_status >= 200 && http_status < 300; }
};

// A JSON request with a bearer token (and extra headers); the credential copies are wiped.
ApiReply call_json(const plugin::Host& host, std::string_view method, const std::string& url,
                   std::string_view bearer, const nlohmann::json* body,
                   const std::vector<std::pair<std::string, std::string>>& extra_headers = {},
                   uint32_t timeout_ms = 30000);

// {"error":{"code","message","status"}} → "message (STATUS)"; else a short body excerpt.
std::string error_text(const ApiReply& r);

// A refresh grant (form body, client secret included) at `token_url`.
ApiReply refresh(const plugin::Host& host, const std::string& token_url, std::string_view client_id,
                 std::string_view client_secret, std::string_view refresh_token);

// A client the plugin knows only at run time (the user's own: GEMINI_CLIENT_ID,
// JCODE_ANTIGRAVITY_CLIENT_ID, the Gmail client file), which the host's refresh cannot use.
struct RuntimeClient {
  std::string id, secret;
  std::string what;  // where it comes from, for messages ("GEMINI_CLIENT_ID")
};

// For a JCODE_SOURCE_PLUGIN source over the plugin's own token file `source_id` (a
// JCODE_FILE source): reads it through the host's store, refreshes it with `client` when it is
// stale (keeping the refresh token, email and project; `after_refresh` may enrich the result),
// writes it back (atomic, 0600) and puts it. JCODE_E_DECLINE when the file holds no login.
// Google does not rotate refresh tokens, so processes refreshing at once all stay logged in.
jcode_status resolve_stored(const plugin::Host& host, std::string_view source_id, std::string_view file_name,
                            const RuntimeClient& client, std::string_view login_command,
                            const std::function<void(Tokens&)>& after_refresh, const jcode_credential_sink* out);

// True when the token expires within 60 s (or its expiry is unknown and it has none).
bool stale(const Tokens& t, int64_t now_ms);

// The account's email from a userinfo endpoint (v1 or v2 shape); nullopt when unavailable.
std::optional<std::string> userinfo_email(const plugin::Host& host, const std::string& url, std::string_view access);

// The project id a loadCodeAssist/onboardUser answer names: a string, or {"id": …}.
std::string project_of(const nlohmann::json& v);

// POST <base>:loadCodeAssist with `metadata` (and the project when given).
ApiReply load_code_assist(const plugin::Host& host, const std::string& base, std::string_view access,
                          const nlohmann::json& metadata, std::string_view project,
                          const std::vector<std::pair<std::string, std::string>>& extra_headers = {});

// A jcode_oauth_client for Google with the offline-consent query, form bodies and the
// client given; endpoints named "authorize" and "token" (and "revoke").
constexpr jcode_oauth_client oauth_client(const char* client_id, const char* client_secret, const char* scopes,
                                          int32_t redirect_kind, uint32_t port, const char* path,
                                          const char* manual_redirect_uri, uint32_t flags) noexcept {
  jcode_oauth_client c{};
  c.struct_size = sizeof c;
  c.client_id = client_id;
  c.client_secret = client_secret;
  c.authorize_endpoint = "authorize";
  c.token_endpoint = "token";
  c.revoke_endpoint = "revoke";
  c.scopes = scopes;
  c.extra_authorize_query = kOfflineConsentQuery;
  c.token_body = JCODE_BODY_FORM;
  c.redirect_kind = redirect_kind;
  c.redirect_port = port;
  c.timeout_s = 300;
  c.redirect_host = "127.0.0.1";
  c.redirect_path = path;
  c.manual_redirect_uri = manual_redirect_uri;
  c.flags = flags;
  return c;
}

// A non-blank environment value (blank counts as unset).
std::optional<std::string> env_nonblank(const plugin::Host& host, std::string_view name);

}  // namespace jcode::support::google
