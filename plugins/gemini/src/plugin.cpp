// jcode-provider-gemini: the tables jcode loads. Google OAuth as Gemini CLI does it (loopback
// /oauth2callback, or the codeassist.google.com/authcode page that shows a code), or a Gemini
// API key; discovery of jcode's, Gemini CLI's, OpenCode's and pi's credentials and the keys;
// the Code Assist transport (loadCodeAssist, onboardUser with its long-running operation,
// streamGenerateContent) and the Gemini API transport. Google's dialect and the Gemini wire
// format are plugins/support (google_oauth, gemini); Code Assist setup is code_assist.cpp.
#include "code_assist.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/api_key.hpp>
#include <jcode/support/env_file.hpp>
#include <jcode/support/gemini.hpp>
#include <jcode/support/google_oauth.hpp>
#include <jcode/support/shared_auth_files.hpp>
#include <jcode/support/stream_send.hpp>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

namespace jcode::gemini {
namespace {

namespace google = support::google;
using nlohmann::json;
using plugin::Host;
using plugin::view;

constexpr const char* kDefaultModel = "gemini-2.5-pro";
constexpr const char* kClientId = "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com";
constexpr const char* kClientSecret = "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";
constexpr const char* kScopes =
    "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email "
    "https://www.googleapis.com/auth/userinfo.profile";
constexpr const char* kManualRedirect = "https://codeassist.google.com/authcode";
constexpr const char* kLogin = "jcode login --provider gemini";
constexpr const char* kEnvSource = "gemini_env";
constexpr const char* kUserAgent = "GeminiCLI/0.61.0 (linux; x64)";

bool truthy(const std::optional<std::string>& v) {
  if (!v) return false;
  return *v == "1" || *v == "true" || *v == "yes" || *v == "on" || *v == "TRUE" || *v == "True";
}

// A model name goes into a URL path: letters, digits and -._ only.
bool plain_model(std::string_view m) {
  if (m.empty()) return false;
  for (unsigned char c : m)
    if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_')) return false;
  return true;
}

class Gemini : public plugin::Instance {
 public:
  explicit Gemini(Host h) : Instance(h) { session_id_ = uuid(); }

  // ---- credentials ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    if (source.kind == JCODE_SOURCE_ENV_VAR || source.kind == JCODE_SOURCE_APP_ENV_FILE) {
      if (truthy(host().env("JCODE_GEMINI_FORCE_OAUTH"))) return JCODE_E_DECLINE;
      return support::parse_api_key(host(), source, content, source.kind == JCODE_SOURCE_ENV_VAR ? source.location : source.key,
                                    out);
    }
    return google::parse_source(host(), source, content, {"google-gemini-cli", "gemini-cli", "gemini"}, out);
  }

  // With GEMINI_CLIENT_ID set, jcode's own login is read and refreshed here with that client
  // (the host's refresh knows only the declared one); otherwise the file source below serves.
  jcode_status resolve(const jcode_source_decl&, const jcode_credential_sink* out) {
    auto id = google::env_nonblank(host(), "GEMINI_CLIENT_ID");
    if (!id) return JCODE_E_DECLINE;
    google::RuntimeClient rc{*id, google::env_nonblank(host(), "GEMINI_CLIENT_SECRET").value_or(kClientSecret),
                             "GEMINI_CLIENT_ID/GEMINI_CLIENT_SECRET"};
    return google::resolve_stored(host(), "jcode_gemini_oauth", "gemini_oauth.json", rc, kLogin, nullptr, out);
  }

  jcode_status serialize(const jcode_source_decl&, std::string_view current, const jcode_credential* cred, jcode_sink* out) {
    return google::serialize_source(host(), "gemini_oauth.json", current, cred, out);
  }

  // ---- login ----
  jcode_status token_response(std::string_view json_text, const jcode_credential* previous,
                              const jcode_credential_sink* out) {
    return google::put_token_response(host(), json_text, previous, kLogin, out);
  }

  jcode_status run(const jcode_login_request& req, const jcode_credential_sink* out) {
    if (auto key = plugin::login_option(req, "api-key")) return save_api_key(std::string(*key));
    const bool scripted = (req.flags & (JCODE_LOGIN_F_PRINT_AUTH_URL | JCODE_LOGIN_F_COMPLETE |
                                        JCODE_LOGIN_F_NONINTERACTIVE | JCODE_LOGIN_F_NO_BROWSER)) != 0 ||
                          req.callback_url.len > 0 || req.auth_code.len > 0;
    if (!scripted) {
      std::string choice;
      jcode_status st = host().prompt(JCODE_PROMPT_CHOICE,
                                      "Log in to Gemini with: oauth = your Google account (Gemini Code Assist), "
                                      "api-key = a Gemini API key from AI Studio",
                                      choice, "oauth", "oauth|api-key");
      if (st != JCODE_OK && st != JCODE_E_NONINTERACTIVE) return st;
      if (st == JCODE_OK && choice == "api-key") {
        std::string key;
        if (jcode_status ks = host().prompt(JCODE_PROMPT_SECRET, "Gemini API key (https://aistudio.google.com/apikey)", key);
            ks != JCODE_OK)
          return ks;
        return save_api_key(key);
      }
    }
    return oauth_login(req, out);
  }

  // ---- transport ----
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred == nullptr)
      return host().error(JCODE_E_AUTH_REQUIRED, "no Gemini credentials; run `jcode login --provider gemini` or set GEMINI_API_KEY");
    std::string model = std::string(view(req.model));
    const bool from_env = model.empty() && google::env_nonblank(host(), "JCODE_GEMINI_MODEL");
    if (model.empty()) model = google::env_nonblank(host(), "JCODE_GEMINI_MODEL").value_or(kDefaultModel);
    if (!plain_model(model))
      return host().error(JCODE_E_INVALID_ARG, (from_env ? "JCODE_GEMINI_MODEL='" : "the model '") + model +
                                                   "' is not a Gemini model name (fix: e.g. " + kDefaultModel + ")");
    support::gemini::Built built = support::gemini::build_request(view(req.conversation), [this](const std::string& id) {
      auto it = signatures_.find(id);
      return it == signatures_.end() ? std::string() : it->second;
    });
    if (!built.error.empty()) return host().error(JCODE_E_INVALID_ARG, built.error);

    const bool api_key = cred->kind == JCODE_CRED_API_KEY;
    const std::string token(view(cred->access_token));
    host().add_secret(token);
    support::StreamCall call;
    call.headers.add("content-type", "application/json");
    call.headers.add("accept", "text/event-stream");
    call.headers.add("user-agent", kUserAgent);
    if (api_key) {
      auto api = host().endpoint_url("api");
      if (!api) return JCODE_E_INVALID_ARG;  // the host said which setting is wrong
      call.url = *api + "/v1beta/models/" + model + ":streamGenerateContent?alt=sse";
      call.headers.add("x-goog-api-key", token);
      call.body = built.request.dump();
    } else {
      auto base = code_assist_base();
      if (!base) return JCODE_E_INVALID_ARG;
      std::string project;
      if (jcode_status st = ensure_project(*base, token, google::from_credential(*cred).project_id, project); st != JCODE_OK)
        return st;
      call.url = *base + ":streamGenerateContent?alt=sse";
      call.headers.add("authorization", "Bearer " + token);
      call.body = support::gemini::code_assist_body(built.request, model, project, uuid(), session_id_).dump();
    }
    support::gemini::StreamDecoder decoder(support::emit_to(events), [this](const std::string& id, const std::string& sig) {
      if (signatures_.size() > 4096) signatures_.clear();  // bounded: only the running agent loop needs them
      signatures_[id] = sig;
    });
    support::StreamRules rules;
    rules.http_failure = [api_key, model](int32_t status, const std::string& body) {
      google::ApiReply r;
      r.http_status = status;
      r.raw = body;
      r.body = json::parse(body, nullptr, false);
      const std::string why = google::error_text(r);
      const std::string what = std::string(api_key ? "the Gemini API" : "Gemini Code Assist") + " answered HTTP " +
                               std::to_string(status) + " (" + why + ")";
      const bool bad_key = api_key && (status == 401 || status == 403 || why.find("API key not valid") != std::string::npos ||
                                       why.find("API_KEY_INVALID") != std::string::npos);
      if (bad_key)
        return support::Failure{JCODE_E_AUTH_REQUIRED, "the Gemini API refused the API key: " + what +
                                                           "; check GEMINI_API_KEY, GOOGLE_API_KEY or gemini.env "
                                                           "(`jcode login --provider gemini`, choose api-key)"};
      if (status == 401) return support::Failure{JCODE_E_AUTH_EXPIRED, what + "; run `jcode login --provider gemini`"};
      if (status == 403)
        return support::Failure{JCODE_E_DENIED, what + "; for a Workspace or school account " + std::string(kProjectHint)};
      if (status == 404)
        return support::Failure{JCODE_E_INVALID_ARG, what + ": is '" + model +
                                                         "' a Gemini model? Choose one with --model or JCODE_GEMINI_MODEL"};
      if (status == 429) return support::Failure{JCODE_E_RATE_LIMITED, what + "; wait a moment and retry"};
      if (status >= 500) return support::Failure{JCODE_E_SERVER, what + "; retry later"};
      return support::Failure{status == 400 ? JCODE_E_INVALID_ARG : JCODE_E_SERVER, what};
    };
    rules.stream_failure = [](std::string_view code, std::string_view message) {
      return support::Failure{code == "RESOURCE_EXHAUSTED" ? JCODE_E_RATE_LIMITED : JCODE_E_SERVER,
                              "Gemini: " + std::string(message) + (code.empty() ? "" : " (" + std::string(code) + ")")};
    };
    rules.unfinished = "the Gemini stream ended before a finishReason (the connection was cut)";
    return support::send_streamed(host(), call, decoder, rules);
  }

 private:
  std::string uuid() const {
    unsigned char b[16] = {};
    (void)host().random_bytes(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    static const char* hex = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
      s += hex[b[i] >> 4];
      s += hex[b[i] & 15];
    }
    return s;
  }

  std::optional<std::string> code_assist_base() const {
    auto base = host().endpoint_url("code_assist");
    if (!base) return std::nullopt;
    return *base + "/v1internal";
  }

  std::string env_project() const {
    if (auto p = google::env_nonblank(host(), "GOOGLE_CLOUD_PROJECT")) return *p;
    return google::env_nonblank(host(), "GOOGLE_CLOUD_PROJECT_ID").value_or("");
  }

  jcode_status fail(const Setup& s) const { return host().error(s.status, s.message); }

  // The Code Assist project for this account: the environment's or the stored one, else what
  // loadCodeAssist names, else onboarding (a long-running operation, polled, bounded,
  // cancellable). Cached per access token for this process.
  jcode_status ensure_project(const std::string& base, const std::string& access, const std::string& stored,
                              std::string& project) {
    if (auto it = projects_.find(access); it != projects_.end()) {
      project = it->second;
      return JCODE_OK;
    }
    const std::string env = env_project();
    google::ApiReply load = google::load_code_assist(host(), base, access, client_metadata(), env.empty() ? stored : env);
    if (load.status != JCODE_OK) return load.status;
    if (!load.ok()) return fail(http_failure("loadCodeAssist", load.http_status, google::error_text(load)));
    Setup s = decide(load.body, env.empty() ? stored : env);
    if (s.kind == Setup::Kind::fail) return fail(s);
    if (s.kind == Setup::Kind::ready) {
      project = projects_[access] = s.project;
      return JCODE_OK;
    }
    host().notify("Gemini Code Assist: setting up this account (tier " + s.tier + ")…");
    json body = onboard_body(s, env);
    google::ApiReply op = google::call_json(host(), "POST", base + ":onboardUser", access, &body);
    std::string call = "onboardUser";
    int64_t poll_ms = 5000;
    if (auto v = google::env_nonblank(host(), "JCODE_GEMINI_ONBOARD_POLL_MS")) poll_ms = std::max<int64_t>(0, std::atoll(v->c_str()));
    constexpr int kMaxPolls = 60;
    for (int polls = 0;; ++polls) {
      if (op.status != JCODE_OK) return op.status;
      if (!op.ok()) return fail(http_failure(call, op.http_status, google::error_text(op)));
      Operation o = read_operation(op.body);
      if (o.done) {
        if (!o.error.empty()) return host().error(JCODE_E_SERVER, o.error);
        project = !o.project.empty() ? o.project : env;
        if (project.empty())
          return host().error(JCODE_E_DENIED, "Gemini Code Assist onboarding finished without a project: " +
                                                  std::string(kProjectHint));
        projects_[access] = project;
        return JCODE_OK;
      }
      if (polls >= kMaxPolls)
        return host().error(JCODE_E_TIMEOUT, "Gemini Code Assist onboarding did not finish after " +
                                                 std::to_string(kMaxPolls) + " checks; retry later");
      for (int64_t waited = 0; waited < poll_ms; waited += 50) {
        if (host().cancelled()) return host().error(JCODE_E_CANCELLED, "Gemini Code Assist onboarding was cancelled");
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(50, poll_ms - waited)));
      }
      if (host().cancelled()) return host().error(JCODE_E_CANCELLED, "Gemini Code Assist onboarding was cancelled");
      op = google::call_json(host(), "GET", base + "/" + o.name, access, nullptr);
      call = "onboarding operation " + o.name;
    }
  }

  jcode_status save_api_key(std::string key) {
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
    while (!key.empty() && key.front() == ' ') key.erase(0, 1);
    if (key.empty()) return host().error(JCODE_E_INVALID_ARG, "an empty Gemini API key was given; nothing was saved");
    if (const char* why = support::api_key_problem(key))
      return host().error(JCODE_E_INVALID_ARG, std::string("the Gemini API key contains ") + why +
                                                   "; paste the key alone. Nothing was saved");
    host().add_secret(key);
    std::string current;
    if (jcode_status st = host().store_read(kEnvSource, current); st != JCODE_OK && st != JCODE_E_NOT_FOUND) return st;
    if (jcode_status st = host().store_write(kEnvSource, support::env_file_set(current, "GEMINI_API_KEY", key)); st != JCODE_OK)
      return st;
    host().notify("Gemini: API key saved to gemini.env; requests go to the Gemini API (generativelanguage.googleapis.com)");
    return JCODE_OK;
  }

  jcode_status oauth_login(const jcode_login_request& req, const jcode_credential_sink* out) {
    // GEMINI_CLIENT_ID / GEMINI_CLIENT_SECRET replace Gemini CLI's public client for this login.
    const std::string id = google::env_nonblank(host(), "GEMINI_CLIENT_ID").value_or(kClientId);
    const std::string secret = google::env_nonblank(host(), "GEMINI_CLIENT_SECRET").value_or(kClientSecret);
    jcode_oauth_client client = google::oauth_client(id.c_str(), secret.c_str(), kScopes, JCODE_REDIRECT_LOOPBACK_ANY, 0,
                                                     "/oauth2callback", kManualRedirect, JCODE_OAUTH_F_BARE_CODE);
    std::string token_json;
    if (jcode_status st = host().oauth_authorize(client, req, token_json); st != JCODE_OK) return st;
    google::Parsed p = google::map_token_response(token_json, nullptr, host().now_ms(), kLogin);
    if (!p.tokens) return host().error(JCODE_E_PROTOCOL, p.error);
    host().add_secret(p.tokens->access);
    host().add_secret(p.tokens->refresh);
    if (auto url = host().endpoint_url("userinfo"))
      if (auto email = google::userinfo_email(host(), *url, p.tokens->access)) p.tokens->email = *email;
    if (google::env_nonblank(host(), "GEMINI_API_KEY") || google::env_nonblank(host(), "GOOGLE_API_KEY"))
      host().notify("Gemini: GEMINI_API_KEY/GOOGLE_API_KEY is set and takes precedence over this login; unset it or set "
                    "JCODE_GEMINI_FORCE_OAUTH=1 to use the Google account");
    return google::put(host(), *p.tokens, out);
  }

  std::string session_id_;
  std::map<std::string, std::string> projects_;
  std::map<std::string, std::string> signatures_;  // tool call id → Gemini's thoughtSignature
};

// ---- static declarations ----

constexpr jcode_endpoint_decl kAuthorize = plugin::endpoint("authorize", google::kAuthorizeUrl, "Google OAuth authorization page");
constexpr jcode_endpoint_decl kToken = plugin::endpoint("token", google::kTokenUrl, "Google OAuth token endpoint (form body)");
constexpr jcode_endpoint_decl kRevoke = plugin::endpoint("revoke", google::kRevokeUrl, "Google OAuth token revocation (logout)");
constexpr jcode_endpoint_decl kUserinfo = plugin::endpoint("userinfo", google::kUserinfoUrl, "the account's email after login");
constexpr jcode_endpoint_decl kCodeAssist = plugin::endpoint(
    "code_assist", "https://cloudcode-pa.googleapis.com",
    "Gemini Code Assist origin; OAuth requests go to /v1internal:loadCodeAssist, :onboardUser, :streamGenerateContent");
constexpr jcode_endpoint_decl kApi = plugin::endpoint(
    "api", "https://generativelanguage.googleapis.com",
    "Gemini API origin; API-key requests go to /v1beta/models/<model>:streamGenerateContent");
constexpr const jcode_endpoint_decl* const kEndpoints[] = {&kAuthorize, &kToken, &kRevoke, &kUserinfo, &kCodeAssist, &kApi, nullptr};

constexpr jcode_source_decl kKeyEnv = plugin::source({.kind = JCODE_SOURCE_ENV_VAR,
                                                      .id = "gemini_api_key_env",
                                                      .location = "GEMINI_API_KEY",
                                                      .label = "GEMINI_API_KEY environment variable",
                                                      .cred_kind = JCODE_CRED_API_KEY});
constexpr jcode_source_decl kGoogleKeyEnv = plugin::source({.kind = JCODE_SOURCE_ENV_VAR,
                                                            .id = "google_api_key_env",
                                                            .location = "GOOGLE_API_KEY",
                                                            .label = "GOOGLE_API_KEY environment variable",
                                                            .cred_kind = JCODE_CRED_API_KEY});
constexpr jcode_source_decl kEnvFile = plugin::source({.kind = JCODE_SOURCE_APP_ENV_FILE,
                                                       .id = kEnvSource,
                                                       .location = "gemini.env",
                                                       .label = "jcode gemini.env",
                                                       .cred_kind = JCODE_CRED_API_KEY,
                                                       .key = "GEMINI_API_KEY"});
constexpr jcode_source_decl kJcodeFile = plugin::source({.kind = JCODE_SOURCE_JCODE_FILE,
                                                         .id = "jcode_gemini_oauth",
                                                         .location = "gemini_oauth.json",
                                                         .label = "jcode Gemini OAuth",
                                                         .cred_kind = JCODE_CRED_OAUTH,
                                                         .flags = JCODE_SOURCE_F_LOGIN_TARGET});
constexpr jcode_source_decl kOwnClient = plugin::source({.kind = JCODE_SOURCE_PLUGIN,
                                                         .id = "jcode_gemini_oauth_own_client",
                                                         .location = "gemini_oauth.json with GEMINI_CLIENT_ID",
                                                         .label = "jcode Gemini OAuth (your GEMINI_CLIENT_ID client)",
                                                         .cred_kind = JCODE_CRED_OAUTH});
constexpr jcode_source_decl kGeminiCli = plugin::source({.kind = JCODE_SOURCE_EXTERNAL_FILE,
                                                         .id = "gemini_cli_oauth_creds",
                                                         .location = "~/.gemini/oauth_creds.json",
                                                         .label = "Gemini CLI (`gemini`)",
                                                         .cred_kind = JCODE_CRED_OAUTH});
// An API key wins over OAuth (JCODE_GEMINI_FORCE_OAUTH=1 declines the keys); the OAuth
// sources follow in the spec's order.
constexpr const jcode_source_decl* const kSources[] = {&kKeyEnv,    &kGoogleKeyEnv, &kEnvFile,
                                                       &kOwnClient, &kJcodeFile, &kGeminiCli,    &support::kOpenCodeAuthSource,
                                                       &support::kPiAuthSource, nullptr};

// The client the host refreshes with (config [plugins.gemini] client_id/client_secret
// override it for login and refresh alike).
constexpr jcode_oauth_client kOAuth = google::oauth_client(kClientId, kClientSecret, kScopes, JCODE_REDIRECT_LOOPBACK_ANY, 0,
                                                           "/oauth2callback", kManualRedirect, JCODE_OAUTH_F_BARE_CODE);
constexpr jcode_option_decl kApiKeyOption =
    plugin::option("api-key", "save a Gemini API key (read from stdin: --api-key -) instead of a Google login",
                   JCODE_OPTION_F_SECRET);
constexpr const jcode_option_decl* const kOptions[] = {&kApiKeyOption, nullptr};

constexpr jcode_credential_api kCredentials = plugin::credential_api<Gemini>();
constexpr jcode_login_api kLoginTable = plugin::login_api<Gemini>(JCODE_LOGIN_CUSTOM, &kOAuth, nullptr, kOptions);
constexpr jcode_transport_api kTransport = plugin::transport_api<Gemini>(kDefaultModel, JCODE_TRANSPORT_F_TOOLS);

constexpr jcode_plugin_api kApiTable =
    plugin::plugin_api<Gemini>({.id = "gemini",
                                .display_name = "Gemini",
                                .version = "0.1.0",
                                .description = "Google account (Gemini Code Assist OAuth) or Gemini API key",
                                .endpoints = kEndpoints,
                                .sources = kSources,
                                .credentials = &kCredentials,
                                .login = &kLoginTable,
                                .transport = &kTransport});

}  // namespace
}  // namespace jcode::gemini

JCODE_DEFINE_PLUGIN(jcode::gemini::kApiTable, JCODE_ABI_MINOR)
