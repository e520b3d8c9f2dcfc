// jcode-provider-azure: the tables jcode loads. Azure OpenAI with an API key or Microsoft
// Entra ID: a custom login that writes ~/.config/jcode/azure-openai.env, credential sources
// (the key from the environment or that file, and the Entra chain resolved here), and the
// Chat Completions transport against the resource's /openai/v1 base. The logic lives in the
// pure files beside this one.
#include "entra.hpp"
#include "settings.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/api_key.hpp>
#include <jcode/support/chat_send.hpp>
#include <jcode/support/openai_error.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace jcode::azure {
namespace {

using plugin::Host;
using plugin::str;
using plugin::view;

constexpr const char* kEnvSourceId = "azure_openai_env";
constexpr int64_t kTokenMarginMs = 5 * 60 * 1000;

std::string to_string(jcode_str s) { return std::string(view(s)); }

std::string http_failure(jcode_status st) {
  switch (st) {
    case JCODE_E_TIMEOUT: return "timed out";
    case JCODE_E_NETWORK: return "unreachable";
    case JCODE_E_INVALID_ARG:
    case JCODE_E_DENIED: return "refused: jcode sends plain http only to this machine";
    case JCODE_E_CANCELLED: return "cancelled";
    default: return "request failed (status " + std::to_string(st) + ")";
  }
}

class Azure : public plugin::Instance {
 public:
  using Instance::Instance;

  // ---- credentials ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    if (content.empty()) return JCODE_E_DECLINE;
    Settings s = settings();
    if (!s.error.empty()) return host().error(JCODE_E_INVALID_ARG, s.error);
    if (s.use_entra.value_or(false)) return JCODE_E_DECLINE;  // Entra mode: a leftover key is not used
    plugin::Credential c;
    c.kind = JCODE_CRED_API_KEY;
    c.access_token = std::string(content);
    c.extra = nlohmann::json{{"credential", "api_key"}, {"source", source.id}}.dump();
    host().add_secret(c.access_token);
    return c.put(out);
  }

  jcode_status resolve(const jcode_source_decl&, const jcode_credential_sink* out) {
    Settings s = settings();
    if (!s.error.empty()) return host().error(JCODE_E_INVALID_ARG, s.error);
    // Probing identity endpoints only makes sense once Azure is configured, and never in key mode.
    if (s.endpoint.empty() || (s.use_entra && !*s.use_entra)) return JCODE_E_DECLINE;
    const int64_t now = host().now_ms();
    if (!cached_ || (cached_->expires_at_ms != 0 && cached_->expires_at_ms - kTokenMarginMs <= now)) {
      EntraResult r = acquire_entra_token(entra_io());
      if (!r.token) return host().error(JCODE_E_AUTH_REQUIRED, chain_failure_message(r));
      cached_ = *r.token;
      host().log(JCODE_LOG_INFO, "Azure Entra ID token from the " + credential_label(cached_->credential));
    }
    host().add_secret(cached_->access_token);
    plugin::Credential c;
    c.kind = JCODE_CRED_BEARER;
    c.access_token = cached_->access_token;
    c.expires_at_ms = cached_->expires_at_ms;
    c.extra = nlohmann::json{{"credential", cached_->credential}}.dump();
    return c.put(out);
  }

  // ---- login ----
  jcode_status run(const jcode_login_request& req, const jcode_credential_sink*) {
    const bool interactive = !(req.flags & JCODE_LOGIN_F_NONINTERACTIVE);
    auto option = [&req](std::string_view name) -> std::optional<std::string> {
      if (auto v = plugin::login_option(req, name)) return std::string(*v);
      return std::nullopt;
    };
    std::string current;
    if (jcode_status st = host().store_read(kEnvSourceId, current); st != JCODE_OK && st != JCODE_E_NOT_FOUND)
      return st;  // the host said why (unreadable, symlinked, foreign owner); nothing is overwritten

    // Endpoint.
    std::string endpoint_in;
    std::string what = "--endpoint";
    // A re-login (say, switching to Entra ID with only --auth) keeps what is saved.
    const auto saved_endpoint = env_file_get(current, kEndpointKey);
    const auto saved_deployment = env_file_get(current, kModelKey);
    if (auto v = option("endpoint")) {
      endpoint_in = *v;
    } else if (!interactive && saved_endpoint && !saved_endpoint->empty()) {
      endpoint_in = *saved_endpoint;
      what = "the saved endpoint (azure-openai.env; give --endpoint to replace it)";
    } else {
      if (!interactive) return missing("--endpoint https://<resource>.openai.azure.com");
      auto a = ask(JCODE_PROMPT_TEXT, "Azure OpenAI endpoint (e.g. https://your-resource.openai.azure.com)",
                   saved_endpoint.value_or(""));
      if (!a) return last_;
      endpoint_in = *a;
      what = "the endpoint";
    }
    Normalized n = normalize_endpoint(endpoint_in, what);
    if (!n.error.empty()) return host().error(JCODE_E_INVALID_ARG, n.error);

    // Deployment.
    std::string deployment;
    if (auto v = option("deployment")) {
      deployment = *v;
    } else if (!interactive && saved_deployment && !saved_deployment->empty()) {
      deployment = *saved_deployment;
    } else {
      if (!interactive) return missing("--deployment <deployment name>");
      auto a = ask(JCODE_PROMPT_TEXT, "Azure deployment/model name", saved_deployment.value_or(""));
      if (!a) return last_;
      deployment = *a;
    }
    deployment = std::string(trim_view(deployment));
    if (deployment.empty() || deployment.find_first_of("\r\n/?#") != std::string::npos)
      return host().error(JCODE_E_INVALID_ARG, "the deployment name is empty or contains / ? # or a line break; give "
                                               "the name shown under Deployments in Azure AI Foundry (--deployment)");

    // Auth mode.
    std::string mode;
    if (auto v = option("auth")) {
      mode = *v;
    } else if (option("api-key-stdin")) {
      mode = "api-key";
    } else if (!interactive) {
      mode = "entra";
    } else {
      auto a = ask(JCODE_PROMPT_CHOICE, "Authentication (Entra ID is recommended)", "entra", "entra|api-key");
      if (!a) return last_;
      mode = *a;
    }
    bool entra;
    if (mode == "entra" || mode == "1" || mode == "oauth" || mode == "entra-id") entra = true;
    else if (mode == "api-key" || mode == "2" || mode == "key" || mode == "apikey") entra = false;
    else return host().error(JCODE_E_INVALID_ARG, "--auth must be entra or api-key (got '" + mode + "')");
    // A piped key with Entra would be ignored and the saved key removed: refuse, change nothing.
    if (entra && option("api-key-stdin"))
      return host().error(JCODE_E_INVALID_ARG, "--auth entra and --api-key-stdin contradict each other (Entra ID uses "
                                               "no key); drop one of them. Nothing was changed");

    std::string content = env_file_set(current, kEndpointKey, n.url);
    content = env_file_set(content, kModelKey, deployment);
    content = env_file_set(content, kUseEntraKey, entra ? "1" : "0");
    if (entra) {
      content = env_file_remove(content, kApiKeyKey);
    } else {
      std::string key;
      if (auto v = option("api-key-stdin")) {
        key = *v;  // a SECRET option: the host read it from stdin
      } else if (interactive) {
        auto a = ask(JCODE_PROMPT_SECRET, "Azure OpenAI API key", "");
        if (!a) return last_;
        key = *a;
      } else {
        return missing("--api-key-stdin (and the key on stdin)");
      }
      key = std::string(trim_view(key));
      host().add_secret(key);
      if (key.empty())
        return host().error(JCODE_E_INVALID_ARG, "the Azure OpenAI API key is empty (pipe it into --api-key-stdin)");
      if (const char* why = support::api_key_problem(key))
        return host().error(JCODE_E_INVALID_ARG, std::string("the Azure OpenAI API key contains ") + why +
                                                     "; paste the key alone. Nothing was saved");
      content = env_file_set(content, kApiKeyKey, key);
    }
    if (jcode_status st = host().store_write(kEnvSourceId, content); st != JCODE_OK) return st;  // the host said why
    cached_.reset();
    host().notify("Azure OpenAI: endpoint " + n.url + ", deployment " + deployment + ", " +
                  (entra ? "Entra ID (environment credentials, workload identity, managed identity or `az login`)"
                         : "API key") +
                  "; saved to azure-openai.env");
    return JCODE_OK;
  }

  // ---- transport ----
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    Settings s = settings();
    if (!s.error.empty()) return host().error(JCODE_E_INVALID_ARG, s.error);
    if (cred == nullptr || cred->access_token.len == 0)
      return host().error(JCODE_E_AUTH_REQUIRED, "no Azure OpenAI credentials; run `jcode login --provider azure`");
    if (s.endpoint.empty())
      return host().error(JCODE_E_AUTH_REQUIRED,
                          "AZURE_OPENAI_ENDPOINT is not set; run `jcode login --provider azure` or export it");
    Normalized n = normalize_endpoint(s.endpoint, s.endpoint_setting);
    if (!n.error.empty()) return host().error(JCODE_E_INVALID_ARG, n.error);
    std::string model = req.model.len ? to_string(req.model) : s.model;
    if (model.empty())
      return host().error(JCODE_E_INVALID_ARG,
                          "no Azure OpenAI deployment is configured (model catalog fetching is off for Azure): set "
                          "AZURE_OPENAI_MODEL to your deployment name, pass -m <deployment>, or re-run `jcode login "
                          "--provider azure`");

    support::chat_completions::Target t;
    auto base = host().resolve_url(n.url, s.endpoint_setting);
    if (!base) return JCODE_E_INVALID_ARG;  // the host recorded which setting is wrong and why
    t.url = *base + "/chat/completions";
    const bool bearer = cred->kind != JCODE_CRED_API_KEY;
    if (bearer) t.auth.add("Authorization", "Bearer " + to_string(cred->access_token));
    else t.auth.add("api-key", to_string(cred->access_token));
    t.model = model;
    t.build.max_tokens_field = "max_completion_tokens";
    t.rules = support::openai_rules(wording(bearer), "the Azure OpenAI stream ended before [DONE]");
    t.rules.http_failure = [this, model, base = n.url, bearer, cred](int32_t status, const std::string& body) {
      return failure(status, body, model, base, bearer, cred);
    };
    return support::chat_completions::send(host(), std::move(t), view(req.conversation), events);
  }

 private:
  static std::string_view trim_view(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r' || v.back() == '\n')) v.remove_suffix(1);
    return v;
  }

  jcode_status missing(const std::string& flag) {
    return host().error(JCODE_E_NONINTERACTIVE, "no terminal to ask on: pass " + flag + " to `jcode login --provider azure`");
  }

  // Asks the user; nullopt with last_ set (and the message) when that failed.
  std::optional<std::string> ask(int32_t kind, std::string_view question, std::string_view default_value,
                                 std::string_view choices = {}) {
    std::string answer;
    last_ = host().prompt(kind, question, answer, default_value, choices);
    if (last_ != JCODE_OK) return std::nullopt;
    return answer;
  }

  Settings settings() const {
    std::string file;
    if (host().store_read(kEnvSourceId, file) != JCODE_OK) file.clear();  // absent: the environment alone decides
    const Host& h = host();
    return resolve_settings([&h](std::string_view name) { return h.env(name); }, file);
  }

  EntraIo entra_io() {
    EntraIo io;
    const Host& h = host();
    io.env = [&h](std::string_view name) { return h.env(name); };
    io.now_ms = [&h] { return h.now_ms(); };
    // A sovereign cloud's authority (AZURE_AUTHORITY_HOST) is the user's URL; else the declared
    // endpoint, with its overrides.
    std::optional<std::string> authority;
    if (auto a = h.env("AZURE_AUTHORITY_HOST"); a && !a->empty()) {
      authority = h.resolve_url(*a, "AZURE_AUTHORITY_HOST");
      if (!authority) h.log(JCODE_LOG_WARN, "AZURE_AUTHORITY_HOST is not an https:// URL; using the public cloud");
    }
    if (!authority) authority = h.endpoint_url("entra_token");
    if (authority) io.authority = *authority;
    if (auto u = h.endpoint_url("imds")) io.imds = *u;
    io.resolve_url = [&h](std::string_view url, std::string_view setting) { return h.resolve_url(url, setting); };
    io.http = [&h](const HttpCall& c) {
      std::vector<jcode_kv> headers = plugin::kv_list(c.headers);
      plugin::BufferedResponse x;
      jcode_http_request r = plugin::http_request(c.method, c.url, headers, c.body, 0, c.timeout_ms);
      HttpAnswer a;
      jcode_status st = h.http(r, x.sink());
      if (st != JCODE_OK) {
        a.error = http_failure(st);
        return a;
      }
      a.status = x.status();
      a.body = x.take_body();
      return a;
    };
    io.run = [&h](const std::vector<std::string>& argv, uint32_t timeout_ms) {
      RunAnswer a;
      plugin::Host::Process p;
      p.argv = argv;
      p.timeout_ms = timeout_ms;
      p.stderr_tail = 1u << 16;
      plugin::Host::ProcessResult r = h.spawn(p);
      if (r.status == JCODE_E_TIMEOUT) {
        a.started = true;
        a.exit_code = -1;
        a.err = "timed out after " + std::to_string(timeout_ms / 1000) + " s";
        return a;
      }
      if (r.status != JCODE_OK) {
        a.error = r.status == JCODE_E_NOT_FOUND       ? "not found in PATH"
                  : r.status == JCODE_E_NOT_SUPPORTED ? "this host cannot run programs"
                                                      : "status " + std::to_string(r.status);
        return a;
      }
      a.started = true;
      a.exit_code = r.exit_code;
      a.out = std::move(r.out);
      a.err = std::move(r.err_tail);
      return a;
    };
    io.read_file = [&h](const std::string& path) -> std::optional<std::string> {
      std::string content;
      if (h.read_file(path, content, 1u << 20) != JCODE_OK) return std::nullopt;
      return content;
    };
    return io;
  }

  static support::Wording wording(bool bearer) {
    support::Wording w;
    w.service = "Azure OpenAI";
    w.credential = bearer ? "the Entra ID token" : "the API key";
    w.auth_fix = bearer ? "make sure your identity has access to the resource (e.g. the Cognitive Services OpenAI User "
                          "role), try `az login`, or re-run `jcode login --provider azure` and choose API key mode"
                        : "check AZURE_OPENAI_API_KEY or re-run `jcode login --provider azure`";
    w.not_found_fix = "check AZURE_OPENAI_MODEL";
    return w;
  }

  // Azure's own readings of a failure; the rest reads as any OpenAI-style service's.
  support::Failure failure(int32_t status, const std::string& body, const std::string& model, const std::string& base,
                           bool bearer, const jcode_credential* cred) {
    support::ApiError e = support::parse_api_error(body);
    const std::string detail = support::describe(e);
    if (status == 404 || e.code == "DeploymentNotFound")
      return {JCODE_E_NOT_FOUND, "Azure OpenAI has no deployment named '" + model + "' at " + base + " (" + detail +
                                     "); verify AZURE_OPENAI_MODEL matches your deployment name, or re-run `jcode "
                                     "login --provider azure`"};
    support::Wording w = wording(bearer);
    if ((status == 401 || status == 403) && bearer) {
      cached_.reset();  // the next resolve fetches a fresh token
      auto extra = nlohmann::json::parse(view(cred->extra), nullptr, false);
      if (extra.is_object()) w.credential += " from the " + credential_label(extra.value("credential", ""));
    }
    return support::classify_http(status, body, w);
  }

  std::optional<EntraToken> cached_;
  jcode_status last_ = JCODE_OK;
};

// ---- static declarations ----

constexpr jcode_endpoint_decl kEntraToken =
    plugin::endpoint("entra_token", "https://login.microsoftonline.com",
                     "Microsoft Entra ID authority (origin; /<tenant>/oauth2/v2.0/token appended)");
// The instance metadata service only speaks plain http, to its link-local address.
constexpr jcode_endpoint_decl kImds = plugin::endpoint(
    "imds", "http://169.254.169.254", "Azure instance metadata service (managed identity on a VM)");
constexpr const jcode_endpoint_decl* const kEndpoints[] = {&kEntraToken, &kImds, nullptr};

constexpr jcode_source_decl kEnvKey = plugin::source({.kind = JCODE_SOURCE_ENV_VAR,
                                                      .id = "azure_openai_api_key_env",
                                                      .location = "AZURE_OPENAI_API_KEY",
                                                      .label = "AZURE_OPENAI_API_KEY environment variable",
                                                      .cred_kind = JCODE_CRED_API_KEY});
constexpr jcode_source_decl kEnvFile = plugin::source({.kind = JCODE_SOURCE_APP_ENV_FILE,
                                                       .id = kEnvSourceId,
                                                       .location = "azure-openai.env",
                                                       .label = "jcode azure-openai.env",
                                                       .cred_kind = JCODE_CRED_API_KEY,
                                                       .flags = JCODE_SOURCE_F_LOGIN_TARGET,
                                                       .key = "AZURE_OPENAI_API_KEY"});
constexpr jcode_source_decl kEntra =
    plugin::source({.kind = JCODE_SOURCE_PLUGIN,
                    .id = "azure_entra_chain",
                    .location = "entra:https://cognitiveservices.azure.com/.default",
                    .label = "Microsoft Entra ID (environment, workload identity, managed identity, Azure CLI)",
                    .cred_kind = JCODE_CRED_BEARER});
constexpr const jcode_source_decl* const kSources[] = {&kEnvKey, &kEnvFile, &kEntra, nullptr};

constexpr jcode_option_decl kOptEndpoint =
    plugin::option("endpoint", "Azure OpenAI endpoint, e.g. https://your-resource.openai.azure.com", 0);
constexpr jcode_option_decl kOptDeployment = plugin::option("deployment", "Azure deployment (model) name", 0);
constexpr jcode_option_decl kOptAuth = plugin::option("auth", "entra (recommended) or api-key", 0);
constexpr jcode_option_decl kOptKey =
    plugin::option("api-key-stdin", "read the Azure OpenAI API key from stdin (implies --auth api-key)",
                   JCODE_OPTION_F_FLAG | JCODE_OPTION_F_SECRET);
constexpr const jcode_option_decl* const kOptions[] = {&kOptEndpoint, &kOptDeployment, &kOptAuth, &kOptKey, nullptr};

constexpr jcode_credential_api kCredentials = plugin::credential_api<Azure>();
constexpr jcode_login_api kLogin = plugin::login_api<Azure>(JCODE_LOGIN_CUSTOM, nullptr, nullptr, kOptions);
// No default model: Azure has no catalog here; the deployment comes from AZURE_OPENAI_MODEL.
constexpr jcode_transport_api kTransport = plugin::transport_api<Azure>("", JCODE_TRANSPORT_F_TOOLS);

constexpr jcode_plugin_api kApiTable = plugin::plugin_api<Azure>(
    {.id = "azure",
     .display_name = "Azure OpenAI",
     .version = "0.1.0",
     .description = "Azure OpenAI (Entra ID or API key), Chat Completions on the /openai/v1 base",
     .endpoints = kEndpoints,
     .sources = kSources,
     .credentials = &kCredentials,
     .login = &kLogin,
     .transport = &kTransport,
     .config_keys = plugin::no_settings});

}  // namespace
}  // namespace jcode::azure

JCODE_DEFINE_PLUGIN(jcode::azure::kApiTable, JCODE_ABI_MINOR)
