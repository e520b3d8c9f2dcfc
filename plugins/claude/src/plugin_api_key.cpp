// jcode-provider-anthropic-api: the Anthropic Messages API with an API key, as its own
// explicit provider (never mixed with the Claude subscription). Keys come from
// ANTHROPIC_API_KEY, then jcode's anthropic.env (where `jcode login` saves them). Requests
// follow the plain API: x-api-key, native tool names, no identity line, no ?beta=true. The
// transport code is shared with the claude plugin (messages_transport.*).
#include "messages_transport.hpp"

#include <jcode/plugin.hpp>

#include <algorithm>
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
    const auto ws = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!content.empty() && ws(static_cast<unsigned char>(content.front()))) content.remove_prefix(1);
    while (!content.empty() && ws(static_cast<unsigned char>(content.back()))) content.remove_suffix(1);
    if (content.empty()) return JCODE_E_DECLINE;
    if (std::any_of(content.begin(), content.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; }))
      return host().error(JCODE_E_PROTOCOL, std::string(source.label) +
                                                ": the ANTHROPIC_API_KEY value holds spaces or control characters "
                                                "(fix: set the key alone, e.g. ANTHROPIC_API_KEY=sk-ant-…)");
    host().add_secret(content);
    if (content.rfind("sk-ant-", 0) != 0 && !warned_.exchange(true))
      host().log(JCODE_LOG_WARN, std::string("the key from ") + source.label +
                                     " does not start with sk-ant-; it may not be an Anthropic API key");
    plugin::Credential c;
    c.kind = JCODE_CRED_API_KEY;
    c.access_token = std::string(content);
    return c.put(out);
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

const jcode_endpoint_decl kApi{sizeof(jcode_endpoint_decl), "api", "https://api.anthropic.com",
                               "Anthropic API origin; requests go to /v1/messages"};
const jcode_endpoint_decl* const kEndpoints[] = {&kApi, nullptr};

const jcode_source_decl kEnvKey{sizeof(jcode_source_decl), JCODE_SOURCE_ENV_VAR, "anthropic_api_key_env",
                                "ANTHROPIC_API_KEY", nullptr, "ANTHROPIC_API_KEY environment variable",
                                JCODE_CRED_API_KEY, 0};
const jcode_source_decl kEnvFile{sizeof(jcode_source_decl), JCODE_SOURCE_APP_ENV_FILE, "anthropic_env", "anthropic.env",
                                 "ANTHROPIC_API_KEY", "jcode anthropic.env", JCODE_CRED_API_KEY,
                                 JCODE_SOURCE_F_LOGIN_TARGET};
const jcode_source_decl* const kSources[] = {&kEnvKey, &kEnvFile, nullptr};

const jcode_credential_api kCredentials = plugin::credential_api<AnthropicApi>();
const jcode_login_api kLogin = plugin::login_api<AnthropicApi>(JCODE_LOGIN_API_KEY);
const jcode_transport_api kTransport = plugin::transport_api<AnthropicApi>(kDefaultModel, JCODE_TRANSPORT_F_TOOLS);

jcode_plugin_api make_api() {
  jcode_plugin_api a = plugin::plugin_api<AnthropicApi>(
      "anthropic-api", "Anthropic API (key)", "0.1.0", JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT,
      &kCredentials, &kTransport, &kLogin, kEndpoints, kSources);
  a.description = "Anthropic Messages API with an API key (ANTHROPIC_API_KEY)";
  return a;
}
const jcode_plugin_api kApiTable = make_api();

}  // namespace
}  // namespace jcode::claude

JCODE_DEFINE_PLUGIN(jcode::claude::kApiTable, JCODE_ABI_MINOR)
