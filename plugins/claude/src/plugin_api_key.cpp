// jcode-provider-anthropic-api: the Anthropic Messages API with an API key, as its own
// explicit provider (never mixed with the Claude subscription). Keys come from
// ANTHROPIC_API_KEY, then jcode's anthropic.env (where `jcode login` saves them). Requests
// follow the plain API: x-api-key, native tool names, no identity line, no ?beta=true. The
// transport code is shared with the claude plugin (messages_transport.*).
#include "messages_transport.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/api_key.hpp>

#include <atomic>
#include <string>

namespace jcode::claude {
namespace {

using plugin::Host;
using plugin::view;

constexpr const char* kDefaultModel = "claude-opus-4-5-20251101";

class AnthropicApi : public plugin::Instance {
 public:
  explicit AnthropicApi(Host host) : Instance(host) {
    messages_.mode = AuthMode::api_key;
    messages_.contract = load_contract(host, AuthMode::api_key);
    messages_.errors = {AuthMode::api_key, "anthropic-api"};
    messages_.default_model = kDefaultModel;
  }

  // ---- credentials: both sources hold the bare key ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    jcode_status st = support::parse_api_key(host(), source, content, "ANTHROPIC_API_KEY", out);
    const size_t start = content.find_first_not_of(" \t\r\n");
    if (st == JCODE_OK && content.substr(start).rfind("sk-ant-", 0) != 0 && !warned_.exchange(true))
      host().log(JCODE_LOG_WARN, std::string("the key from ") + source.label +
                                     " does not start with sk-ant-; it may not be an Anthropic API key");
    return st;
  }

  // ---- transport ----
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred == nullptr || cred->access_token.len == 0)
      return host().error(JCODE_E_AUTH_REQUIRED,
                          "no Anthropic API key; set ANTHROPIC_API_KEY or run `jcode login --provider anthropic-api`");
    return send_messages(host(), messages_, req, view(cred->access_token), events);
  }

 private:
  MessagesSetup messages_;
  std::atomic<bool> warned_{false};
};

// ---- static declarations ----

constexpr jcode_endpoint_decl kApi =
    plugin::endpoint("api", "https://api.anthropic.com", "Anthropic API origin; requests go to /v1/messages");
constexpr const jcode_endpoint_decl* const kEndpoints[] = {&kApi, nullptr};

constexpr jcode_source_decl kEnvKey = plugin::source({.kind = JCODE_SOURCE_ENV_VAR,
                                                      .id = "anthropic_api_key_env",
                                                      .location = "ANTHROPIC_API_KEY",
                                                      .label = "ANTHROPIC_API_KEY environment variable",
                                                      .cred_kind = JCODE_CRED_API_KEY});
constexpr jcode_source_decl kEnvFile = plugin::source({.kind = JCODE_SOURCE_APP_ENV_FILE,
                                                       .id = "anthropic_env",
                                                       .location = "anthropic.env",
                                                       .label = "jcode anthropic.env",
                                                       .cred_kind = JCODE_CRED_API_KEY,
                                                       .flags = JCODE_SOURCE_F_LOGIN_TARGET,
                                                       .key = "ANTHROPIC_API_KEY"});
constexpr const jcode_source_decl* const kSources[] = {&kEnvKey, &kEnvFile, nullptr};

constexpr jcode_credential_api kCredentials = plugin::credential_api<AnthropicApi>();
constexpr jcode_login_api kLogin = plugin::login_api<AnthropicApi>(JCODE_LOGIN_API_KEY);
constexpr jcode_transport_api kTransport = plugin::transport_api<AnthropicApi>(kDefaultModel, JCODE_TRANSPORT_F_TOOLS);

constexpr jcode_plugin_api kApiTable =
    plugin::plugin_api<AnthropicApi>({.id = "anthropic-api",
                                      .display_name = "Anthropic API (key)",
                                      .version = "0.1.0",
                                      .description = "Anthropic Messages API with an API key (ANTHROPIC_API_KEY)",
                                      .endpoints = kEndpoints,
                                      .sources = kSources,
                                      .credentials = &kCredentials,
                                      .login = &kLogin,
                                      .transport = &kTransport,
                                      .config_keys = kApiKeySettings});

}  // namespace
}  // namespace jcode::claude

JCODE_DEFINE_PLUGIN(jcode::claude::kApiTable, JCODE_ABI_MINOR)
