// jcode-provider-claude: the tables jcode loads. Claude subscription OAuth (login, refresh,
// discovery of jcode's and Claude Code's tokens) and the Messages API transport with the
// Claude Code OAuth contract. The logic lives in the pure files beside this one.
#include "contract.hpp"
#include "credentials.hpp"
#include "request_builder.hpp"
#include "stream_decoder.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/shared_auth_files.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace jcode::claude {
namespace {

using plugin::Host;
using plugin::str;
using plugin::view;

constexpr const char* kDefaultModel = "claude-opus-4-5-20251101";

std::string to_string(jcode_str s) { return std::string(view(s)); }

// The Messages API error body: {"type":"error","error":{"type":"…","message":"…"}}.
std::string api_error_message(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    std::string type = j["error"].value("type", "");
    std::string msg = j["error"].value("message", "");
    if (!msg.empty()) return type.empty() ? msg : type + ": " + msg;
  }
  std::string trimmed = body.substr(0, 300);
  return trimmed.empty() ? "(empty body)" : trimmed;
}

bool looks_like_cloudflare(const std::string& body) {
  return body.find("cf-challenge") != std::string::npos || body.find("Just a moment") != std::string::npos ||
         body.find("/cdn-cgi/challenge-platform") != std::string::npos;
}

class Claude : public plugin::Instance {
 public:
  explicit Claude(Host host) : Instance(host) {
    // Contract values may be overridden per user, because the provider changes them.
    if (auto v = host.config("user_agent")) contract_.user_agent = *v;
    if (auto v = host.config("betas")) contract_.betas = *v;
    if (auto v = host.config("identity")) contract_.identity = *v;
    if (auto v = host.config("anthropic_version")) contract_.anthropic_version = *v;
    for (auto& [native, wire] : contract_.tool_names)
      if (auto v = host.config("tool_names." + native)) wire = *v;
  }

  // ---- credentials ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content,
                     const jcode_credential_sink* out) {
    std::string id = source.id;
    if (source.kind == JCODE_SOURCE_ENV_VAR) {
      if (content.empty()) return JCODE_E_DECLINE;
      plugin::Credential c;
      c.kind = JCODE_CRED_API_KEY;
      c.access_token = std::string(content);
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
      return c.put(out);
    }
    ParseResult r = id == "claude_code_credentials" ? parse_claude_code(content) : parse_jcode_auth(content);
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
    return c.put(out);
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
    return c.put(out);
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
      jcode_kv headers[] = {
          {str("Accept"), str("application/json")},
          {str("Authorization"), str(auth)},
          {str("User-Agent"), str(contract_.user_agent)},
          {str("anthropic-beta"), str(contract_.betas)},
      };
      Collected got;
      jcode_http_request req{};
      req.struct_size = sizeof req;
      req.method = str("GET");
      req.url = str(url);
      req.headers = headers;
      req.header_count = sizeof headers / sizeof headers[0];
      req.flags = JCODE_HTTP_F_RETRY;
      if (host().http(req, got.sink()) == JCODE_OK && got.status == 200) {
        auto j = nlohmann::json::parse(got.body, nullptr, false);
        if (j.is_object() && j.contains("account") && j["account"].is_object())
          c.email = j["account"].value("email", c.email);
      } else {
        host().log(JCODE_LOG_INFO, "could not fetch the Claude profile email");
      }
    }
    return c.put(out);
  }

  // ---- transport ----
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred == nullptr || cred->access_token.len == 0)
      return host().error(JCODE_E_AUTH_REQUIRED, "no Claude credentials; run `jcode login --provider claude`");
    AuthMode mode = cred->kind == JCODE_CRED_API_KEY ? AuthMode::api_key : AuthMode::oauth;
    std::string model = req.model.len ? to_string(req.model) : kDefaultModel;
    BuiltRequest body = build_messages_body(view(req.conversation), model, mode, contract_, true);
    if (!body.error.empty()) return host().error(JCODE_E_INVALID_ARG, body.error);

    auto api = host().endpoint_url("api");
    if (!api) return host().error(JCODE_E_INTERNAL, "the claude.api endpoint could not be resolved");
    std::string url = *api + (mode == AuthMode::oauth ? "/v1/messages?beta=true" : "/v1/messages");
    std::string secret = to_string(cred->access_token);
    std::string bearer = "Bearer " + secret;
    std::vector<jcode_kv> headers = {
        {str("anthropic-version"), str(contract_.anthropic_version)},
        {str("content-type"), str("application/json")},
        {str("accept"), str("text/event-stream")},
    };
    if (mode == AuthMode::oauth) {
      headers.push_back({str("Authorization"), str(bearer)});
      headers.push_back({str("User-Agent"), str(contract_.user_agent)});
      headers.push_back({str("anthropic-beta"), str(contract_.betas)});
    } else {
      headers.push_back({str("x-api-key"), str(secret)});
    }

    StreamDecoder decoder(mode == AuthMode::oauth ? contract_.wire_to_native() : std::map<std::string, std::string>{},
                          [&events](const jcode_event& e) { return events.emit(events.self, &e); });
    Streamed s{decoder};
    jcode_http_request hr{};
    hr.struct_size = sizeof hr;
    hr.method = str("POST");
    hr.url = str(url);
    hr.headers = headers.data();
    hr.header_count = headers.size();
    hr.body = str(body.body);
    hr.flags = JCODE_HTTP_F_RETRY | JCODE_HTTP_F_SSE;
    jcode_status st = host().http(hr, s.sink());
    if (st != JCODE_OK) {
      if (!s.decode_error.empty()) return host().error(st, s.decode_error);
      return st;  // the host set the message (network, timeout, cancelled)
    }
    if (s.status == 401)
      return host().error(JCODE_E_AUTH_EXPIRED, "Claude refused the credential (401: " + api_error_message(s.body) +
                                                     "); run `jcode login --provider claude`");
    if (s.status == 403 && looks_like_cloudflare(s.body))
      return host().error(JCODE_E_DENIED, "Anthropic's edge (Cloudflare) blocked the request (403); try another "
                                          "network or VPN exit");
    if (s.status == 429)
      return host().error(JCODE_E_RATE_LIMITED, "Claude rate limit (429): " + api_error_message(s.body));
    if (s.status >= 500)
      return host().error(JCODE_E_SERVER, "Claude service error (" + std::to_string(s.status) + "): " +
                                              api_error_message(s.body));
    if (s.status < 200 || s.status >= 300)
      return host().error(s.status == 403 ? JCODE_E_DENIED : JCODE_E_SERVER,
                          "Claude refused the request (" + std::to_string(s.status) + "): " + api_error_message(s.body));
    if (decoder.saw_error()) return host().error(JCODE_E_SERVER, "Claude stream error: " + decoder.error_message());
    if (!decoder.finished()) return host().error(JCODE_E_PROTOCOL, "the Claude stream ended before message_stop");
    return JCODE_OK;
  }

 private:
  // A buffered response (small exchanges).
  struct Collected {
    int32_t status = 0;
    std::string body;
    jcode_http_response_sink s{};
    jcode_http_response_sink& sink() {
      s.struct_size = sizeof s;
      s.self = this;
      s.on_status = [](void* self, int32_t status, const jcode_kv*, size_t) noexcept -> jcode_status {
        static_cast<Collected*>(self)->status = status;
        return JCODE_OK;
      };
      s.on_body = [](void* self, const char* data, size_t len) noexcept -> jcode_status {
        try {
          auto* c = static_cast<Collected*>(self);
          if (c->body.size() + len > (1u << 20)) return JCODE_E_PROTOCOL;
          c->body.append(data, len);
          return JCODE_OK;
        } catch (...) {
          return JCODE_E_NOMEM;
        }
      };
      return s;
    }
  };

  // A streamed Messages response: SSE events into the decoder, error bodies buffered.
  struct Streamed {
    StreamDecoder& decoder;
    int32_t status = 0;
    std::string body;
    std::string decode_error;
    jcode_http_response_sink s{};
    jcode_http_response_sink& sink() {
      s.struct_size = sizeof s;
      s.self = this;
      s.on_status = [](void* self, int32_t status, const jcode_kv*, size_t) noexcept -> jcode_status {
        static_cast<Streamed*>(self)->status = status;
        return JCODE_OK;
      };
      s.on_body = [](void* self, const char* data, size_t len) noexcept -> jcode_status {
        try {
          auto* x = static_cast<Streamed*>(self);
          if (x->body.size() + len > (1u << 20)) return JCODE_E_PROTOCOL;
          x->body.append(data, len);
          return JCODE_OK;
        } catch (...) {
          return JCODE_E_NOMEM;
        }
      };
      s.on_event = [](void* self, jcode_str event, jcode_str data) noexcept -> jcode_status {
        auto* x = static_cast<Streamed*>(self);
        try {
          jcode_status st = x->decoder.feed(view(event), view(data));
          if (st == JCODE_E_PROTOCOL) x->decode_error = x->decoder.error_message();
          return st;
        } catch (...) {
          return JCODE_E_INTERNAL;
        }
      };
      return s;
    }
  };

  Contract contract_;
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
