// jcode-provider-claude: the tables jcode loads. Claude subscription OAuth (login, refresh,
// discovery of jcode's and Claude Code's tokens) and the Messages API transport with the
// Claude Code OAuth contract (or the deprecated Claude CLI when JCODE_USE_CLAUDE_CLI=1). The
// logic lives in the files beside this one, shared with plugin_api_key.cpp.
#include "cli_stream.hpp"
#include "cli_transport.hpp"
#include "credentials.hpp"
#include "messages_transport.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/shared_auth_files.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace jcode::claude {
namespace {

using plugin::Host;
using plugin::str;
using plugin::view;

constexpr const char* kDefaultModel = "claude-opus-4-5-20251101";

std::string to_string(jcode_str s) { return std::string(view(s)); }

class Claude : public plugin::Instance {
 public:
  explicit Claude(Host host) : Instance(host) {
    messages_.mode = AuthMode::oauth;
    messages_.contract = load_contract(host, AuthMode::oauth);
    messages_.errors = {AuthMode::oauth, "claude"};
    messages_.default_model = kDefaultModel;
  }

  // ---- credentials ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content,
                     const jcode_credential_sink* out) {
    if (source.kind == JCODE_SOURCE_ENV_VAR) {
      // JCODE_USE_CLAUDE_CLI=1: the deprecated Claude CLI answers with its own login.
      if (!cli_session_requested(content)) return JCODE_E_DECLINE;
      plugin::Credential c;
      c.kind = JCODE_CRED_SESSION;
      return c.put(out);
    }
    if (source.flags & JCODE_SOURCE_F_SHARED) {
      auto r = support::parse_shared_auth(content, {"anthropic", "claude"});
      if (r.status == support::SharedParse::malformed)
        return host().error(JCODE_E_PROTOCOL, r.error);
      if (r.status != support::SharedParse::found || !r.entry.oauth) return JCODE_E_DECLINE;
      plugin::Credential c;
      c.access_token = r.entry.access;
      c.refresh_token = r.entry.refresh;
      c.expires_at_ms = r.entry.expires_at_ms;
      return hand_out(c, out);
    }
    const bool claude_code = std::string_view(source.id) == "claude_code_credentials";
    ParseResult r = claude_code ? parse_claude_code(content) : parse_jcode_auth(content);
    if (!r.error.empty()) return host().error(JCODE_E_PROTOCOL, r.error);
    if (!r.tokens) return JCODE_E_DECLINE;
    plugin::Credential c;
    c.access_token = r.tokens->access;
    c.refresh_token = r.tokens->refresh;
    c.expires_at_ms = r.tokens->expires_at_ms;
    c.email = r.tokens->email;
    nlohmann::json extra = nlohmann::json::object();
    if (!r.tokens->subscription_type.empty()) extra["subscription_type"] = r.tokens->subscription_type;
    if (!r.tokens->scopes.empty()) extra["scopes"] = r.tokens->scopes;
    if (!extra.empty()) c.extra = extra.dump();
    return hand_out(c, out);
  }

  jcode_status serialize(const jcode_source_decl&, std::string_view current, const jcode_credential* cred,
                         jcode_sink* out) {
    SerializeResult s;
    if (cred == nullptr) {
      s = serialize_jcode_auth(current, nullptr);
    } else {
      OAuthTokens t;
      t.access = to_string(cred->access_token);
      t.refresh = to_string(cred->refresh_token);
      t.expires_at_ms = cred->expires_at_ms;
      t.email = to_string(cred->email);
      auto extra = nlohmann::json::parse(view(cred->extra), nullptr, false);
      if (extra.is_object()) {
        t.subscription_type = extra.value("subscription_type", "");
        t.scopes = extra.value("scopes", "");
      }
      s = serialize_jcode_auth(current, &t);
    }
    if (!s.error.empty()) return host().error(JCODE_E_PROTOCOL, s.error);
    return plugin::write(out, s.text);
  }

  // ---- login ----
  jcode_status token_response(std::string_view json, const jcode_credential* previous,
                              const jcode_credential_sink* out) {
    auto j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string())
      return host().error(JCODE_E_PROTOCOL, "the Claude token endpoint answered without an access_token");
    plugin::Credential c;
    c.access_token = j["access_token"].get<std::string>();
    c.refresh_token = j.value("refresh_token", std::string());
    if (c.refresh_token.empty() && previous != nullptr) c.refresh_token = to_string(previous->refresh_token);
    int64_t expires_in = j.value("expires_in", int64_t{0});
    if (expires_in > 0) c.expires_at_ms = host().now_ms() + expires_in * 1000;
    std::string scopes = j.value("scope", std::string());
    if (!scopes.empty()) {
      // A token without an inference scope cannot talk to the Messages API.
      static const char* kInference[] = {"user:inference", "user:ccr_inference", "org:service_key_inference",
                                         "workspace:inference", "workspace:developer"};
      bool ok = false;
      for (const char* s : kInference)
        if ((" " + scopes + " ").find(std::string(" ") + s + " ") != std::string::npos) ok = true;
      if (!ok)
        return host().error(JCODE_E_AUTH_REQUIRED,
                            "the Claude token lacks the user:inference scope; run `jcode login --provider claude` again");
    }
    if (previous != nullptr) c.email = to_string(previous->email);
    nlohmann::json extra = nlohmann::json::object();
    if (previous != nullptr) {
      auto prev = nlohmann::json::parse(view(previous->extra), nullptr, false);
      if (prev.is_object()) extra = prev;
    }
    if (!scopes.empty()) extra["scopes"] = scopes;
    if (!extra.empty()) c.extra = extra.dump();
    return hand_out(c, out);
  }

  jcode_status after_login(const jcode_credential& cred, const jcode_credential_sink* out) {
    plugin::Credential c;
    c.kind = cred.kind;
    c.access_token = to_string(cred.access_token);
    c.refresh_token = to_string(cred.refresh_token);
    c.expires_at_ms = cred.expires_at_ms;
    c.extra = to_string(cred.extra);
    c.email = to_string(cred.email);
    // The profile email is a nicety: a failure here does not fail the login.
    auto api = host().endpoint_url("api");
    if (api) {
      std::string url = *api + "/api/oauth/profile";
      std::string auth = "Bearer " + c.access_token;
      std::vector<jcode_kv> headers = {
          {str("Accept"), str("application/json")},
          {str("Authorization"), str(auth)},
          {str("User-Agent"), str(messages_.contract.user_agent)},
          {str("anthropic-beta"), str(messages_.contract.betas)},
      };
      plugin::BufferedResponse got;
      jcode_http_request req = plugin::http_request("GET", url, headers, {}, JCODE_HTTP_F_RETRY);
      if (host().http(req, got.sink()) == JCODE_OK && got.status() == 200) {
        auto j = nlohmann::json::parse(got.body(), nullptr, false);
        if (j.is_object() && j.contains("account") && j["account"].is_object())
          c.email = j["account"].value("email", c.email);
      } else {
        host().log(JCODE_LOG_INFO, "could not fetch the Claude profile email");
      }
    }
    return hand_out(c, out);
  }

  // ---- transport ----
  // The Messages API with the Claude Code OAuth contract, or — for the CLI session credential
  // (JCODE_USE_CLAUDE_CLI=1, --provider claude-subprocess) — the deprecated Claude CLI.
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred != nullptr && cred->kind == JCODE_CRED_SESSION) return cli_.send(host(), req, events);
    if (cred == nullptr || cred->access_token.len == 0)
      return host().error(JCODE_E_AUTH_REQUIRED, "no Claude credentials; run `jcode login --provider claude`");
    if (cred->kind == JCODE_CRED_API_KEY)
      return host().error(JCODE_E_INVALID_ARG,
                          "the claude provider uses a Claude subscription (OAuth); for an API key use "
                          "`--provider anthropic-api`");
    return send_messages(host(), messages_, req, view(cred->access_token), events);
  }

 private:
  // Every token handed to the host is also registered as a secret so no log line shows it.
  jcode_status hand_out(const plugin::Credential& c, const jcode_credential_sink* out) {
    host().add_secret(c.access_token);
    host().add_secret(c.refresh_token);
    return c.put(out);
  }

  MessagesSetup messages_;
  CliTransport cli_;
};

// ---- static declarations ----

constexpr jcode_endpoint_decl kAuthorize =
    plugin::endpoint("authorize", "https://claude.com/cai/oauth/authorize", "OAuth authorization page");
constexpr jcode_endpoint_decl kToken =
    plugin::endpoint("token", "https://platform.claude.com/v1/oauth/token", "OAuth token endpoint (JSON body)");
constexpr jcode_endpoint_decl kApi =
    plugin::endpoint("api", "https://api.anthropic.com", "Messages API and OAuth profile origin");
constexpr const jcode_endpoint_decl* const kEndpoints[] = {&kAuthorize, &kToken, &kApi, nullptr};

constexpr jcode_source_decl kJcodeAuth = plugin::source({.kind = JCODE_SOURCE_JCODE_FILE,
                                                         .id = "jcode_claude_auth",
                                                         .location = "auth.json",
                                                         .label = "jcode Claude OAuth",
                                                         .cred_kind = JCODE_CRED_OAUTH,
                                                         .flags = JCODE_SOURCE_F_LOGIN_TARGET});
constexpr jcode_source_decl kClaudeCode = plugin::source({.kind = JCODE_SOURCE_EXTERNAL_FILE,
                                                          .id = "claude_code_credentials",
                                                          .location = "~/.claude/.credentials.json",
                                                          .label = "Claude Code CLI",
                                                          .cred_kind = JCODE_CRED_OAUTH});
// First: a user who asked for the deprecated CLI gets it even with a jcode login saved.
constexpr jcode_source_decl kCliSession = plugin::source({.kind = JCODE_SOURCE_ENV_VAR,
                                                          .id = "claude_cli_session",
                                                          .location = "JCODE_USE_CLAUDE_CLI",
                                                          .label = "Claude Code CLI session (deprecated transport)",
                                                          .cred_kind = JCODE_CRED_SESSION});
constexpr const jcode_source_decl* const kSources[] = {
    &kCliSession, &kJcodeAuth, &kClaudeCode, &support::kOpenCodeAuthSource, &support::kPiAuthSource, nullptr};

// The spec's hidden compatibility value `--provider claude-subprocess`. Not flagged
// deprecated: the CLI transport itself warns once, however it was chosen.
constexpr jcode_alias_decl kSubprocessAlias{.struct_size = sizeof(jcode_alias_decl),
                                            .name = "claude-subprocess",
                                            .env_name = "JCODE_USE_CLAUDE_CLI",
                                            .env_value = "1",
                                            .flags = JCODE_ALIAS_F_HIDDEN};
constexpr const jcode_alias_decl* const kAliases[] = {&kSubprocessAlias, nullptr};

constexpr jcode_oauth_client kOAuth{
    .struct_size = sizeof(jcode_oauth_client),
    .client_id = "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
    .authorize_endpoint = "authorize",
    .token_endpoint = "token",
    .scopes =
        "org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers "
        "user:file_upload",
    .refresh_scopes = "user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload",
    .extra_authorize_query = "code=true",
    .token_body = JCODE_BODY_JSON,
    .redirect_kind = JCODE_REDIRECT_LOOPBACK_ANY,
    .timeout_s = 120,
    .redirect_host = "localhost",
    .redirect_path = "/callback",
    .manual_redirect_uri = "https://platform.claude.com/oauth/code/callback",
    .flags = JCODE_OAUTH_F_BARE_CODE | JCODE_OAUTH_F_STATE_IN_TOKEN | JCODE_OAUTH_F_CODE_HASH_STATE,
};

constexpr jcode_credential_api kCredentials = plugin::credential_api<Claude>();
constexpr jcode_login_api kLogin = plugin::login_api<Claude>(JCODE_LOGIN_OAUTH_PKCE, &kOAuth);
constexpr jcode_transport_api kTransport =
    plugin::transport_api<Claude>(kDefaultModel, JCODE_TRANSPORT_F_TOOLS | JCODE_TRANSPORT_F_SUBPROCESS);

constexpr jcode_plugin_api kApiTable =
    plugin::plugin_api<Claude>({.id = "claude",
                                .display_name = "Claude",
                                .version = "0.1.0",
                                .description = "Claude subscription (Claude Max/Pro) via OAuth, Anthropic Messages API",
                                .endpoints = kEndpoints,
                                .sources = kSources,
                                .credentials = &kCredentials,
                                .login = &kLogin,
                                .transport = &kTransport,
                                .aliases = kAliases,
                                .config_keys = kOAuthSettings});

}  // namespace
}  // namespace jcode::claude

JCODE_DEFINE_PLUGIN(jcode::claude::kApiTable, JCODE_ABI_MINOR)
