// jcode-provider-azure: the tables jcode loads. Azure OpenAI with an API key or Microsoft
// Entra ID: a custom login that writes ~/.config/jcode/azure-openai.env, credential sources
// (the key from the environment or that file, and the Entra chain resolved here), and the
// Chat Completions transport against the resource's /openai/v1 base. The logic lives in the
// pure files beside this one.
#include "entra.hpp"
#include "settings.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/chat_send.hpp>
#include <jcode/support/openai_error.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
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
      for (size_t i = 0; i < req.option_count; ++i)
        if (view(req.options[i].key) == name) return to_string(req.options[i].value);
      return std::nullopt;
    };
    std::string current;
    {
      plugin::StringSink sink(true);
      if (host().api()->store_read(host().ctx(), str(kEnvSourceId), sink.get()) == JCODE_OK) current = sink.take();
    }

    // Endpoint.
    std::string endpoint_in;
    std::string what = "--endpoint";
    if (auto v = option("endpoint")) {
      endpoint_in = *v;
    } else {
      if (!interactive) return missing("--endpoint https://<resource>.openai.azure.com");
      auto a = ask(JCODE_PROMPT_TEXT, "Azure OpenAI endpoint (e.g. https://your-resource.openai.azure.com)",
                   env_file_get(current, kEndpointKey).value_or(""));
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
    } else {
      if (!interactive) return missing("--deployment <deployment name>");
      auto a = ask(JCODE_PROMPT_TEXT, "Azure deployment/model name", env_file_get(current, kModelKey).value_or(""));
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
        // The host may already have read the secret for us; "1" / "-" mean: read stdin here.
        if (*v != "1" && *v != "-") {
          key = *v;
        } else {
          std::getline(std::cin, key);
        }
      } else if (interactive) {
        auto a = ask(JCODE_PROMPT_SECRET, "Azure OpenAI API key", "");
        if (!a) return last_;
        key = *a;
      } else {
        return missing("--api-key-stdin (and the key on stdin)");
      }
      key = std::string(trim_view(key));
      host().add_secret(key);
      if (key.empty() || key.find_first_of("\r\n") != std::string::npos)
        return host().error(JCODE_E_INVALID_ARG, "the Azure OpenAI API key is empty (pipe it into --api-key-stdin)");
      content = env_file_set(content, kApiKeyKey, key);
    }
    jcode_status st = host().api()->store_write(host().ctx(), str(kEnvSourceId), str(content));
    if (st != JCODE_OK) return st;  // the host said why
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
    t.url = map_to_emulator(n.url, host().env("JCODE_EMULATOR_URL")) + "/chat/completions";
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
    jcode_prompt p{};
    p.struct_size = sizeof p;
    p.kind = kind;
    p.question = str(question);
    p.default_value = str(default_value);
    p.choices = str(choices);
    plugin::StringSink answer(kind == JCODE_PROMPT_SECRET);
    last_ = host().api()->prompt ? host().api()->prompt(host().ctx(), &p, answer.get()) : JCODE_E_NOT_SUPPORTED;
    if (last_ != JCODE_OK) return std::nullopt;
    return answer.take();
  }

  Settings settings() const {
    std::string file;
    plugin::StringSink sink(true);
    if (host().api() && host().api()->store_read &&
        host().api()->store_read(host().ctx(), str(kEnvSourceId), sink.get()) == JCODE_OK)
      file = sink.str();
    const Host& h = host();
    return resolve_settings([&h](std::string_view name) { return h.env(name); }, file);
  }

  EntraIo entra_io() {
    EntraIo io;
    const Host& h = host();
    io.env = [&h](std::string_view name) { return h.env(name); };
    io.now_ms = [&h] { return h.now_ms(); };
    if (auto authority = h.env("AZURE_AUTHORITY_HOST"); authority && authority->rfind("https://", 0) == 0)
      io.authority = *authority;
    else if (auto u = h.endpoint_url("entra_token"))
      io.authority = *u;
    // The instance metadata service is plain http to its link-local address (the host allows
    // that one address); JCODE_ENDPOINT_AZURE_IMDS or the emulator redirect it for tests.
    if (auto v = h.env("JCODE_ENDPOINT_AZURE_IMDS"); v && !v->empty()) io.imds = *v;
    else io.imds = map_to_emulator("http://169.254.169.254", h.env("JCODE_EMULATOR_URL"));
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
      if (!h.api()->spawn) {
        a.error = "this host cannot run programs";
        return a;
      }
      std::vector<jcode_str> args;
      for (const auto& s : argv) args.push_back(str(s));
      jcode_process_spec spec{};
      spec.struct_size = sizeof spec;
      spec.argv = args.data();
      spec.argc = args.size();
      spec.timeout_ms = timeout_ms;
      struct Out {
        std::string out, err;
      } out;
      jcode_process_sink sink{};
      sink.struct_size = sizeof sink;
      sink.self = &out;
      sink.on_stdout = [](void* self, const char* d, size_t n) noexcept -> jcode_status {
        return plugin::append_capped(static_cast<Out*>(self)->out, d, n, size_t{1} << 20);
      };
      sink.on_stderr = [](void* self, const char* d, size_t n) noexcept -> jcode_status {
        try {
          auto* o = static_cast<Out*>(self);
          if (o->err.size() + n <= (1u << 16)) o->err.append(d, n);
          return JCODE_OK;
        } catch (...) {
          return JCODE_E_NOMEM;
        }
      };
      int32_t code = -1;
      jcode_status st = h.api()->spawn(h.ctx(), &spec, &sink, &code);
      if (st == JCODE_E_TIMEOUT) {
        a.started = true;
        a.exit_code = -1;
        a.err = "timed out after " + std::to_string(timeout_ms / 1000) + " s";
        return a;
      }
      if (st != JCODE_OK) {
        a.error = st == JCODE_E_NOT_FOUND ? "not found in PATH" : "status " + std::to_string(st);
        return a;
      }
      a.started = true;
      a.exit_code = code;
      a.out = std::move(out.out);
      a.err = std::move(out.err);
      return a;
    };
    io.read_file = [](const std::string& path) -> std::optional<std::string> {
      std::ifstream in(path, std::ios::binary);
      if (!in) return std::nullopt;
      std::ostringstream ss;
      ss << in.rdbuf();
      return ss.str();
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

const jcode_endpoint_decl kEntraToken{sizeof(jcode_endpoint_decl), "entra_token", "https://login.microsoftonline.com",
                                      "Microsoft Entra ID authority (origin; /<tenant>/oauth2/v2.0/token appended)"};
const jcode_endpoint_decl* const kEndpoints[] = {&kEntraToken, nullptr};

const jcode_source_decl kEnvKey{sizeof(jcode_source_decl), JCODE_SOURCE_ENV_VAR, "azure_openai_api_key_env",
                                "AZURE_OPENAI_API_KEY", nullptr, "AZURE_OPENAI_API_KEY environment variable",
                                JCODE_CRED_API_KEY, 0};
const jcode_source_decl kEnvFile{sizeof(jcode_source_decl), JCODE_SOURCE_APP_ENV_FILE, kEnvSourceId,
                                 "azure-openai.env", "AZURE_OPENAI_API_KEY", "jcode azure-openai.env",
                                 JCODE_CRED_API_KEY, JCODE_SOURCE_F_LOGIN_TARGET};
const jcode_source_decl kEntra{sizeof(jcode_source_decl), JCODE_SOURCE_PLUGIN, "azure_entra_chain",
                               "entra:https://cognitiveservices.azure.com/.default", nullptr,
                               "Microsoft Entra ID (environment, workload identity, managed identity, Azure CLI)",
                               JCODE_CRED_BEARER, 0};
const jcode_source_decl* const kSources[] = {&kEnvKey, &kEnvFile, &kEntra, nullptr};

const jcode_option_decl kOptEndpoint{sizeof(jcode_option_decl), "endpoint",
                                     "Azure OpenAI endpoint, e.g. https://your-resource.openai.azure.com", 0};
const jcode_option_decl kOptDeployment{sizeof(jcode_option_decl), "deployment", "Azure deployment (model) name", 0};
const jcode_option_decl kOptAuth{sizeof(jcode_option_decl), "auth", "entra (recommended) or api-key", 0};
const jcode_option_decl kOptKey{sizeof(jcode_option_decl), "api-key-stdin",
                                "read the Azure OpenAI API key from stdin (implies --auth api-key)",
                                JCODE_OPTION_F_FLAG | JCODE_OPTION_F_SECRET};
const jcode_option_decl* const kOptions[] = {&kOptEndpoint, &kOptDeployment, &kOptAuth, &kOptKey, nullptr};

const jcode_credential_api kCredentials = plugin::credential_api<Azure>();
const jcode_login_api kLogin = plugin::login_api<Azure>(JCODE_LOGIN_CUSTOM, nullptr, nullptr, kOptions);
// No default model: Azure has no catalog here; the deployment comes from AZURE_OPENAI_MODEL.
const jcode_transport_api kTransport = plugin::transport_api<Azure>("", JCODE_TRANSPORT_F_TOOLS);

jcode_plugin_api make_api() {
  jcode_plugin_api a = plugin::plugin_api<Azure>("azure", "Azure OpenAI", "0.1.0",
                                                 JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT,
                                                 &kCredentials, &kTransport, &kLogin, kEndpoints, kSources);
  a.description = "Azure OpenAI (Entra ID or API key), Chat Completions on the /openai/v1 base";
  return a;
}
const jcode_plugin_api kApiTable = make_api();

}  // namespace
}  // namespace jcode::azure

JCODE_DEFINE_PLUGIN(jcode::azure::kApiTable, JCODE_ABI_MINOR)
