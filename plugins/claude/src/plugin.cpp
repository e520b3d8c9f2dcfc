// jcode-provider-claude: the tables jcode loads. Claude subscription OAuth (login, refresh,
// discovery of jcode's and Claude Code's tokens) and the Messages API transport with the
// Claude Code OAuth contract (or the deprecated Claude CLI when JCODE_USE_CLAUDE_CLI=1). The
// logic lives in the files beside this one, shared with plugin_api_key.cpp.
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
  // The Messages API with the Claude Code OAuth contract, or — when the host environment has
  // JCODE_USE_CLAUDE_CLI=1 — the deprecated Claude CLI, which needs no jcode credential.
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (CliTransport::enabled(host())) return cli_.send(host(), req, events);
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

const jcode_endpoint_decl kAuthorize{sizeof(jcode_endpoint_decl), "authorize", "https://claude.com/cai/oauth/authorize",
                                     "OAuth authorization page"};
const jcode_endpoint_decl kToken{sizeof(jcode_endpoint_decl), "token", "https://platform.claude.com/v1/oauth/token",
                                 "OAuth token endpoint (JSON body)"};
const jcode_endpoint_decl kApi{sizeof(jcode_endpoint_decl), "api", "https://api.anthropic.com",
                               "Messages API and OAuth profile origin"};
const jcode_endpoint_decl* const kEndpoints[] = {&kAuthorize, &kToken, &kApi, nullptr};

const jcode_source_decl kJcodeAuth{sizeof(jcode_source_decl), JCODE_SOURCE_JCODE_FILE, "jcode_claude_auth", "auth.json",
                                   nullptr, "jcode Claude OAuth", JCODE_CRED_OAUTH, JCODE_SOURCE_F_LOGIN_TARGET};
const jcode_source_decl kClaudeCode{sizeof(jcode_source_decl), JCODE_SOURCE_EXTERNAL_FILE, "claude_code_credentials",
                                    "~/.claude/.credentials.json", nullptr, "Claude Code CLI", JCODE_CRED_OAUTH, 0};
const jcode_source_decl kOpenCode{sizeof(jcode_source_decl), JCODE_SOURCE_EXTERNAL_FILE, "opencode_auth_json",
                                  "~/.local/share/opencode/auth.json", nullptr, "OpenCode", JCODE_CRED_OAUTH,
                                  JCODE_SOURCE_F_SHARED};
const jcode_source_decl kPi{sizeof(jcode_source_decl), JCODE_SOURCE_EXTERNAL_FILE, "pi_auth_json", "~/.pi/agent/auth.json",
                            nullptr, "pi", JCODE_CRED_OAUTH, JCODE_SOURCE_F_SHARED};
const jcode_source_decl* const kSources[] = {&kJcodeAuth, &kClaudeCode, &kOpenCode, &kPi, nullptr};

const jcode_oauth_client kOAuth{
    sizeof(jcode_oauth_client),
    "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
    nullptr,
    "authorize",
    "token",
    nullptr,
    "org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload",
    "user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload",
    "code=true",
    JCODE_BODY_JSON,
    JCODE_REDIRECT_LOOPBACK_ANY,
    0,
    120,
    "localhost",
    "/callback",
    "https://platform.claude.com/oauth/code/callback",
    JCODE_OAUTH_F_BARE_CODE | JCODE_OAUTH_F_STATE_IN_TOKEN | JCODE_OAUTH_F_CODE_HASH_STATE,
};

const jcode_credential_api kCredentials = plugin::credential_api<Claude>();
const jcode_login_api kLogin = plugin::login_api<Claude>(JCODE_LOGIN_OAUTH_PKCE, &kOAuth);
const jcode_transport_api kTransport = plugin::transport_api<Claude>(kDefaultModel, JCODE_TRANSPORT_F_TOOLS);

jcode_plugin_api make_api() {
  jcode_plugin_api a = plugin::plugin_api<Claude>("claude", "Claude", "0.1.0",
                                                  JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT,
                                                  &kCredentials, &kTransport, &kLogin, kEndpoints, kSources);
  a.description = "Claude subscription (Claude Max/Pro) via OAuth, Anthropic Messages API";
  return a;
}
const jcode_plugin_api kApiTable = make_api();

}  // namespace
}  // namespace jcode::claude

JCODE_DEFINE_PLUGIN(jcode::claude::kApiTable, JCODE_ABI_MINOR)
