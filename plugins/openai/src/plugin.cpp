// jcode-provider-openai: the tables jcode loads. ChatGPT/Codex OAuth (PKCE on the fixed
// loopback port 1455, refresh through the host's engine), discovery of jcode's, Codex's,
// OpenCode's and pi's credentials and OPENAI_API_KEY, and the Responses API transport. The
// logic lives in the pure files beside this one.
#include "credentials.hpp"
#include "transport.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/responses.hpp>
#include <jcode/support/shared_auth_files.hpp>
#include <jcode/support/stream_send.hpp>

#include <string>
#include <vector>

namespace jcode::openai {
namespace {

using plugin::Host;
using plugin::str;
using plugin::view;

constexpr const char* kDefaultModel = "gpt-5.6-sol";

std::string to_string(jcode_str s) { return std::string(view(s)); }

Tokens tokens_of(const jcode_credential& c) {
  Tokens t;
  t.api_key = c.kind == JCODE_CRED_API_KEY;
  t.access = to_string(c.access_token);
  t.refresh = to_string(c.refresh_token);
  t.id_token = to_string(c.id_token);
  t.account_id = to_string(c.account_id);
  t.email = to_string(c.email);
  t.expires_at_ms = c.expires_at_ms;
  return t;
}

jcode_status put(const Tokens& t, const jcode_credential_sink* out) {
  plugin::Credential c;
  c.kind = t.api_key ? JCODE_CRED_API_KEY : JCODE_CRED_OAUTH;
  c.access_token = t.access;
  c.refresh_token = t.refresh;
  c.id_token = t.id_token;
  c.account_id = t.account_id;
  c.email = t.email;
  c.expires_at_ms = t.expires_at_ms;
  return c.put(out);
}

class OpenAI : public plugin::Instance {
 public:
  using Instance::Instance;

  // ---- credentials ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    if (source.kind == JCODE_SOURCE_ENV_VAR || source.kind == JCODE_SOURCE_APP_ENV_FILE) {
      if (content.empty()) return JCODE_E_DECLINE;
      Tokens t;
      t.api_key = true;
      t.access = std::string(content);
      host().add_secret(t.access);
      return put(t, out);
    }
    if (source.flags & JCODE_SOURCE_F_SHARED) {
      // Only ChatGPT OAuth entries: the spec imports OpenCode/pi OAuth, not their keys.
      auto r = support::parse_shared_auth(content, {"openai-codex", "openai_codex", "openai", "codex"});
      if (r.status == support::SharedParse::malformed)
        return host().error(JCODE_E_PROTOCOL, std::string(source.label) + " (" + source.location + "): " + r.error);
      if (r.status != support::SharedParse::found || !r.entry.oauth || r.entry.access.empty()) return JCODE_E_DECLINE;
      Tokens t;
      t.access = r.entry.access;
      t.refresh = r.entry.refresh;
      t.account_id = r.entry.account_id;
      t.expires_at_ms = r.entry.expires_at_ms;
      complete_from_jwts(t);
      return hand_out(t, out);
    }
    ParseResult r = std::string_view(source.id) == "openai_codex_auth_json" ? parse_codex_auth(content)
                                                                             : parse_jcode_auth(content);
    if (!r.error.empty()) return host().error(JCODE_E_PROTOCOL, r.error);
    if (!r.tokens) return JCODE_E_DECLINE;
    return hand_out(*r.tokens, out);
  }

  jcode_status serialize(const jcode_source_decl&, std::string_view current, const jcode_credential* cred,
                         jcode_sink* out) {
    SerializeResult s;
    if (cred == nullptr) {
      s = serialize_jcode_auth(current, nullptr);
    } else {
      Tokens t = tokens_of(*cred);
      s = serialize_jcode_auth(current, &t);
    }
    if (!s.error.empty()) return host().error(JCODE_E_PROTOCOL, s.error);
    return plugin::write(out, s.text);
  }

  // ---- login ----
  jcode_status token_response(std::string_view json, const jcode_credential* previous,
                              const jcode_credential_sink* out) {
    Tokens prev;
    if (previous != nullptr) prev = tokens_of(*previous);
    ParseResult r = map_token_response(json, previous ? &prev : nullptr, host().now_ms());
    if (!r.tokens) return host().error(JCODE_E_PROTOCOL, r.error);
    return hand_out(*r.tokens, out);
  }

  // ---- transport ----
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred == nullptr)
      return host().error(JCODE_E_AUTH_REQUIRED,
                          "no OpenAI credentials; run `jcode login --provider openai` or set OPENAI_API_KEY");
    CredentialView cv;
    cv.kind = cred->kind;
    cv.access = view(cred->access_token);
    cv.refresh = view(cred->refresh_token);
    cv.id_token = view(cred->id_token);
    cv.account_id = view(cred->account_id);
    const Mode mode = mode_for(cv.kind, cv.refresh, cv.id_token);

    Origins origins;
    if (mode == Mode::chatgpt) {
      auto u = host().endpoint_url("chatgpt");
      if (!u) return JCODE_E_INVALID_ARG;  // the host recorded which setting is wrong and why
      origins.chatgpt = *u;
    } else {
      auto u = host().endpoint_url("api");
      if (!u) return JCODE_E_INVALID_ARG;  // the host recorded which setting is wrong and why
      origins.api = *u;
      origins.base_url = host().env("OPENAI_BASE_URL");
    }
    std::string model = req.model.len ? to_string(req.model) : kDefaultModel;
    Prepared p = prepare(cv, view(req.conversation), model, origins);
    if (p.status != JCODE_OK) return host().error(p.status, p.error);

    support::StreamCall call;
    call.url = std::move(p.url);
    call.headers = std::move(p.headers);
    call.body = std::move(p.body);
    support::responses::StreamDecoder decoder(support::emit_to(events));
    return support::send_streamed(host(), call, decoder,
                                  support::openai_rules(wording(mode), "the OpenAI stream ended before response.completed"));
  }

 private:
  // Every token handed to the host is also registered as a secret so no log line shows it.
  jcode_status hand_out(const Tokens& t, const jcode_credential_sink* out) {
    host().add_secret(t.access);
    host().add_secret(t.refresh);
    host().add_secret(t.id_token);
    return put(t, out);
  }

};

// ---- static declarations ----

constexpr jcode_endpoint_decl kAuthorize =
    plugin::endpoint("authorize", "https://auth.openai.com/oauth/authorize", "OAuth authorization page");
constexpr jcode_endpoint_decl kToken =
    plugin::endpoint("token", "https://auth.openai.com/oauth/token", "OAuth token endpoint (form body)");
constexpr jcode_endpoint_decl kRevoke =
    plugin::endpoint("revoke", "https://auth.openai.com/oauth/revoke", "OAuth token revocation (logout)");
constexpr jcode_endpoint_decl kChatGPT = plugin::endpoint(
    "chatgpt", "https://chatgpt.com", "ChatGPT origin; subscription requests go to /backend-api/codex/responses");
constexpr jcode_endpoint_decl kApi =
    plugin::endpoint("api", "https://api.openai.com",
                     "OpenAI API origin; API-key requests go to /v1/responses (OPENAI_BASE_URL replaces it)");
constexpr const jcode_endpoint_decl* const kEndpoints[] = {&kAuthorize, &kToken, &kRevoke, &kChatGPT, &kApi, nullptr};

constexpr jcode_source_decl kJcodeAuth = plugin::source({.kind = JCODE_SOURCE_JCODE_FILE,
                                                         .id = "jcode_openai_auth",
                                                         .location = "openai-auth.json",
                                                         .label = "jcode OpenAI/ChatGPT OAuth",
                                                         .cred_kind = JCODE_CRED_OAUTH,
                                                         .flags = JCODE_SOURCE_F_LOGIN_TARGET});
constexpr jcode_source_decl kCodex = plugin::source({.kind = JCODE_SOURCE_EXTERNAL_FILE,
                                                     .id = "openai_codex_auth_json",
                                                     .location = "~/.codex/auth.json",
                                                     .label = "Codex CLI",
                                                     .cred_kind = JCODE_CRED_OAUTH});
constexpr jcode_source_decl kEnvKey = plugin::source({.kind = JCODE_SOURCE_ENV_VAR,
                                                      .id = "openai_api_key_env",
                                                      .location = "OPENAI_API_KEY",
                                                      .label = "OPENAI_API_KEY environment variable",
                                                      .cred_kind = JCODE_CRED_API_KEY});
constexpr jcode_source_decl kEnvFile = plugin::source({.kind = JCODE_SOURCE_APP_ENV_FILE,
                                                       .id = "openai_env",
                                                       .location = "openai.env",
                                                       .label = "jcode openai.env",
                                                       .cred_kind = JCODE_CRED_API_KEY,
                                                       .key = "OPENAI_API_KEY"});
constexpr const jcode_source_decl* const kSources[] = {
    &kJcodeAuth, &kCodex, &support::kOpenCodeAuthSource, &support::kPiAuthSource, &kEnvKey, &kEnvFile, nullptr};

constexpr jcode_oauth_client kOAuth{
    .struct_size = sizeof(jcode_oauth_client),
    .client_id = "app_EMoamEEZ73f0CkXaXp7hrann",
    .authorize_endpoint = "authorize",
    .token_endpoint = "token",
    .revoke_endpoint = "revoke",
    .scopes = "openid profile email offline_access",
    .extra_authorize_query = "id_token_add_organizations=true&codex_cli_simplified_flow=true&originator=codex_cli_rs",
    .token_body = JCODE_BODY_FORM,
    .redirect_kind = JCODE_REDIRECT_LOOPBACK_FIXED,
    .redirect_port = 1455,
    .timeout_s = 300,
    .redirect_host = "localhost",
    .redirect_path = "/auth/callback",
    .flags = 0,  // a pasted bare code is refused: the callback URL or query with its state is required
};

constexpr jcode_credential_api kCredentials = plugin::credential_api<OpenAI>();
constexpr jcode_login_api kLogin = plugin::login_api<OpenAI>(JCODE_LOGIN_OAUTH_PKCE, &kOAuth);
constexpr jcode_transport_api kTransport = plugin::transport_api<OpenAI>(kDefaultModel, JCODE_TRANSPORT_F_TOOLS);

constexpr jcode_plugin_api kApiTable =
    plugin::plugin_api<OpenAI>({.id = "openai",
                                .display_name = "OpenAI",
                                .version = "0.1.0",
                                .description = "ChatGPT subscription (Codex OAuth) or OpenAI API key, Responses API",
                                .endpoints = kEndpoints,
                                .sources = kSources,
                                .credentials = &kCredentials,
                                .login = &kLogin,
                                .transport = &kTransport,
                                .config_keys = plugin::no_settings});

}  // namespace
}  // namespace jcode::openai

JCODE_DEFINE_PLUGIN(jcode::openai::kApiTable, JCODE_ABI_MINOR)
