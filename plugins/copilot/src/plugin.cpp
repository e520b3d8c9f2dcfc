// jcode-provider-copilot: GitHub Copilot. Login is GitHub's device flow (the host's RFC 8628
// engine: URL, user code, QR, --print-auth-url/--complete), the username fetched after it,
// the token kept in jcode's own file. Discovery is the spec's eight steps after that file.
// Answers come from the Copilot CLI in print mode (the token in its environment), or with
// [plugins.copilot] transport = "api" from Copilot's Chat Completions API (native.cpp).
#include "github_tokens.hpp"
#include "native.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/cli_print.hpp>
#include <jcode/support/json_file.hpp>
#include <jcode/support/shared_auth_files.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace jcode::copilot {
namespace {

using nlohmann::json;
using plugin::view;

constexpr const char* kClientId = "Iv1.b507a08c87ecfe98";
constexpr const char* kDefaultModel = "claude-sonnet-4";
constexpr const char* kLogin = "jcode login --provider copilot";
constexpr const char* kOwnFile = "copilot_oauth.json";
constexpr uint32_t kCliTimeoutMs = 10 * 60 * 1000;

std::optional<std::string> nonblank(const plugin::Host& h, std::string_view name) {
  auto v = h.env(name);
  if (!v || v->find_first_not_of(" \t") == std::string::npos) return std::nullopt;
  return v;
}

class Copilot : public plugin::Instance {
 public:
  using Instance::Instance;

  // ---- credentials: every source holds a GitHub token, in its own format ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    const std::string id = source.id;
    std::string error;
    std::optional<GithubToken> t;
    if (id == "jcode_copilot") {
      json doc;
      error = support::parse_json_object(content, doc);
      if (error.empty()) {
        std::string token = support::json_string(doc, "oauth_token");
        if (token.empty()) return JCODE_E_DECLINE;
        t = GithubToken{token, support::json_string(doc, "user")};
      }
    } else if (id == "copilot_cli_config") {
      t = from_cli_config(content, error);
    } else if (id == "github_copilot_hosts" || id == "github_copilot_apps") {
      t = from_hosts_file(content, error);
    } else if (source.flags & JCODE_SOURCE_F_SHARED) {
      support::SharedResult r = support::parse_shared_auth(content, {"github-copilot", "copilot"});
      if (r.status == support::SharedParse::malformed) error = r.error;
      // OpenCode keeps the GitHub token as "refresh" and a Copilot token as "access".
      else if (r.status == support::SharedParse::found && r.entry.oauth)
        for (const std::string* v : {&r.entry.refresh, &r.entry.access})
          if (looks_like_github_token(*v)) {
            t = GithubToken{*v, r.entry.account_id};
            break;
          }
    } else {  // a variable, or `gh auth token`: the token alone
      std::string token(content);
      while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
      if (token.empty()) return JCODE_E_DECLINE;
      if (token.find_first_of(" \t\r\n") != std::string::npos)
        return host().error(JCODE_E_PROTOCOL, std::string(source.label) + " holds more than one word, not a GitHub token");
      t = GithubToken{token, ""};
    }
    if (!error.empty()) return host().error(JCODE_E_PROTOCOL, std::string(source.label) + " " + error);
    if (!t) return JCODE_E_DECLINE;
    host().add_secret(t->token);
    plugin::Credential c;
    c.kind = id == "jcode_copilot" ? JCODE_CRED_OAUTH : JCODE_CRED_BEARER;
    c.access_token = t->token;
    c.account_id = t->user;
    return c.put(out);
  }

  // jcode's own file: fields it does not know are kept; a logout (cred == nullptr) removes the
  // login and leaves "{}" rather than a file that no longer parses.
  jcode_status serialize(const jcode_source_decl&, std::string_view current, const jcode_credential* cred,
                         jcode_sink* out) {
    json doc = json::object();
    if (!current.empty() && !support::parse_json_object(current, doc).empty()) doc = json::object();
    doc.erase("oauth_token");
    doc.erase("user");
    if (cred != nullptr) {
      doc["oauth_token"] = std::string(view(cred->access_token));
      doc["user"] = std::string(view(cred->account_id));
    }
    return plugin::write(out, doc.dump(2) + "\n");
  }

  // ---- login: the host ran the device flow; the username is looked up once ----
  jcode_status token_response(std::string_view json_text, const jcode_credential*, const jcode_credential_sink* out) {
    json doc;
    if (std::string bad = support::parse_json_object(json_text, doc); !bad.empty())
      return host().error(JCODE_E_PROTOCOL, "GitHub's token answer " + bad);
    plugin::Credential c;
    c.kind = JCODE_CRED_OAUTH;
    c.access_token = support::json_string(doc, "access_token");
    if (c.access_token.empty()) return host().error(JCODE_E_PROTOCOL, "GitHub's token answer has no access_token");
    host().add_secret(c.access_token);
    if (auto user = username(c.access_token)) c.account_id = *user;
    return c.put(out);
  }

  // ---- transport ----
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred == nullptr || cred->access_token.len == 0)
      return host().error(JCODE_E_AUTH_REQUIRED, std::string("no GitHub login for Copilot; run `") + kLogin + "`");
    std::string model(view(req.model));
    if (model.empty()) model = nonblank(host(), "JCODE_COPILOT_MODEL").value_or(kDefaultModel);
    const std::string mode = host().config("transport").value_or("cli");
    if (mode == "api") {
      if (!native_) native_ = std::make_unique<NativeSession>(host());
      return native_->send(view(cred->access_token), model, view(req.conversation), events);
    }
    if (mode != "cli")
      return host().error(JCODE_E_INVALID_ARG, "[plugins.copilot] transport is '" + mode + "'; use \"cli\" or \"api\"");
    if (!support::cli::plain_arg(model))
      return host().error(JCODE_E_INVALID_ARG, "the Copilot model '" + model + "' is not a plain name");
    std::string error;
    std::string prompt = support::cli::flatten(view(req.conversation), error);
    if (!error.empty()) return host().error(JCODE_E_INVALID_ARG, error);
    support::cli::PrintCall call;
    call.label = "the Copilot CLI";
    call.program = nonblank(host(), "JCODE_COPILOT_CLI_PATH").value_or("copilot");
    call.path_setting = "JCODE_COPILOT_CLI_PATH";
    call.install_hint = "install the GitHub Copilot CLI (npm install -g @github/copilot), or set "
                        "[plugins.copilot] transport = \"api\" to use Copilot without it";
    call.args = {"-p", prompt, "--model", model};
    call.env = {{"COPILOT_GITHUB_TOKEN", std::string(view(cred->access_token))}};
    call.secret_env = {"COPILOT_GITHUB_TOKEN"};
    call.timeout_ms = kCliTimeoutMs;
    return support::cli::run_text(host(), call, events);
  }

 private:
  std::optional<std::string> username(const std::string& token) const {
    auto url = host().endpoint_url("user");
    if (!url) return std::nullopt;
    std::vector<std::pair<std::string, std::string>> h{
        {"accept", "application/vnd.github+json"}, {"authorization", "token " + token}, {"user-agent", "jcode/1.0"}};
    std::vector<jcode_kv> kv = plugin::kv_list(h);
    plugin::BufferedResponse resp;
    jcode_http_request req = plugin::http_request("GET", *url, kv, "", JCODE_HTTP_F_RETRY);
    json doc;
    if (host().http(req, resp.sink()) != JCODE_OK || resp.status() != 200 ||
        !support::parse_json_object(resp.body(), doc).empty()) {
      host().log(JCODE_LOG_WARN, "GitHub did not say whose token this is; the login is saved without a username");
      return std::nullopt;
    }
    std::string login = support::json_string(doc, "login");
    return login.empty() ? std::nullopt : std::optional<std::string>(login);
  }

  std::unique_ptr<NativeSession> native_;  // the Copilot token, kept between turns
};

// ---- static declarations ----

constexpr jcode_endpoint_decl kDevice =
    plugin::endpoint("device_code", "https://github.com/login/device/code", "GitHub device authorization");
constexpr jcode_endpoint_decl kToken =
    plugin::endpoint("token", "https://github.com/login/oauth/access_token", "GitHub device-flow token polling");
constexpr jcode_endpoint_decl kUser = plugin::endpoint("user", "https://api.github.com/user", "the login's username");
constexpr jcode_endpoint_decl kExchange = plugin::endpoint(
    "token_exchange", "https://api.github.com/copilot_internal/v2/token", "GitHub token → Copilot token (transport api)");
constexpr jcode_endpoint_decl kApi =
    plugin::endpoint("api", "https://api.githubcopilot.com", "Copilot Chat Completions (transport api)");
constexpr const jcode_endpoint_decl* const kEndpoints[] = {&kDevice, &kToken, &kUser, &kExchange, &kApi, nullptr};

constexpr jcode_source_decl env_source(const char* id, const char* name) {
  return plugin::source(
      {.kind = JCODE_SOURCE_ENV_VAR, .id = id, .location = name, .label = name, .cred_kind = JCODE_CRED_BEARER});
}
constexpr jcode_source_decl file_source(const char* id, const char* path, const char* label) {
  return plugin::source(
      {.kind = JCODE_SOURCE_EXTERNAL_FILE, .id = id, .location = path, .label = label, .cred_kind = JCODE_CRED_BEARER});
}

constexpr jcode_source_decl kOwn = plugin::source({.kind = JCODE_SOURCE_JCODE_FILE,
                                                   .id = "jcode_copilot",
                                                   .location = kOwnFile,
                                                   .label = "jcode Copilot login",
                                                   .cred_kind = JCODE_CRED_OAUTH,
                                                   .flags = JCODE_SOURCE_F_LOGIN_TARGET});
constexpr jcode_source_decl kEnvCopilot = env_source("copilot_github_token_env", "COPILOT_GITHUB_TOKEN");
constexpr jcode_source_decl kEnvGh = env_source("gh_token_env", "GH_TOKEN");
constexpr jcode_source_decl kEnvGithub = env_source("github_token_env", "GITHUB_TOKEN");
constexpr jcode_source_decl kCliConfig = file_source("copilot_cli_config", "~/.copilot/config.json", "Copilot CLI");
constexpr jcode_source_decl kHosts =
    file_source("github_copilot_hosts", "~/.config/github-copilot/hosts.json", "GitHub Copilot (hosts.json)");
constexpr jcode_source_decl kApps =
    file_source("github_copilot_apps", "~/.config/github-copilot/apps.json", "GitHub Copilot (apps.json)");
constexpr jcode_source_decl kGh = plugin::source({.kind = JCODE_SOURCE_COMMAND,
                                                  .id = "gh_auth_token",
                                                  .location = "gh auth token",
                                                  .label = "GitHub CLI (gh auth token)",
                                                  .cred_kind = JCODE_CRED_BEARER});
constexpr const jcode_source_decl* const kSources[] = {&kOwn,   &kEnvCopilot, &kEnvGh,
                                                       &kEnvGithub, &kCliConfig, &kHosts,
                                                       &kApps,  &support::kOpenCodeAuthSource, &support::kPiAuthSource,
                                                       &kGh,    nullptr};

constexpr jcode_device_client kDeviceClient{sizeof(jcode_device_client), kClientId, "device_code", "token", "read:user"};

constexpr jcode_config_decl kTransportSetting =
    plugin::setting("transport", JCODE_CONFIG_STRING,
                    "\"cli\" (default: the Copilot CLI answers) or \"api\" (Copilot's Chat Completions API)");
constexpr const jcode_config_decl* const kSettings[] = {&kTransportSetting, nullptr};

constexpr jcode_credential_api kCredentials = plugin::credential_api<Copilot>();
constexpr jcode_login_api kLoginTable = plugin::login_api<Copilot>(JCODE_LOGIN_DEVICE, nullptr, &kDeviceClient);
constexpr jcode_transport_api kTransport = plugin::transport_api<Copilot>(kDefaultModel, JCODE_TRANSPORT_F_SUBPROCESS);

constexpr jcode_plugin_api kApiTable = plugin::plugin_api<Copilot>({.id = "copilot",
                                                                    .display_name = "GitHub Copilot",
                                                                    .version = "0.1.0",
                                                                    .description = "GitHub device login; answers from the "
                                                                                   "Copilot CLI (or Copilot's API)",
                                                                    .endpoints = kEndpoints,
                                                                    .sources = kSources,
                                                                    .credentials = &kCredentials,
                                                                    .login = &kLoginTable,
                                                                    .transport = &kTransport,
                                                                    .config_keys = kSettings});

}  // namespace
}  // namespace jcode::copilot

JCODE_DEFINE_PLUGIN(jcode::copilot::kApiTable, JCODE_ABI_MINOR)
