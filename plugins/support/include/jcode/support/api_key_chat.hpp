// A provider that is one table row: an OpenAI-compatible Chat Completions service with an API
// key. The preset is data (ids, the API base, the default model, the key's variable and env
// file); this header turns it into the whole plugin — the key sources (variable, then the
// env file `jcode login` writes), the API-key login the host runs, and the transport through
// the shared Chat Completions send path. A provider file is then:
//
//   constexpr jcode::support::ChatPreset kExample{.id = "example", .display_name = "Example",
//       .version = "0.1.0", .description = "…", .api_base = "https://api.example.com/v1",
//       .default_model = "example-large", .key_variable = "EXAMPLE_API_KEY",
//       .env_file = "example.env", .key_source_id = "example_api_key_env",
//       .env_source_id = "example_env"};
//   JCODE_DEFINE_PLUGIN(jcode::support::ApiKeyChatTables<kExample>::api, JCODE_ABI_MINOR)
//
// Quirks beyond the table (another base for some keys, a legacy variable) belong in a small
// class deriving from ApiKeyChat, not in a copy of it.
#pragma once

#include <jcode/plugin.hpp>
#include <jcode/support/api_key.hpp>
#include <jcode/support/chat_send.hpp>
#include <jcode/support/openai_error.hpp>

#include <string>

namespace jcode::support {

struct ChatPreset {
  const char* id = nullptr;            // [a-z0-9-]+, the file is jcode-provider-<id>.so
  const char* display_name = nullptr;  // "Fireworks AI"
  const char* version = nullptr;
  const char* description = nullptr;
  const char* api_base = nullptr;       // endpoint "api": requests go to <api_base>/chat/completions
  const char* default_model = nullptr;  // used when the user names none
  const char* key_variable = nullptr;   // "FIREWORKS_API_KEY": the environment, then the env file's key
  const char* env_file = nullptr;       // "fireworks.env" in jcode's config dir; `jcode login` writes it
  const char* key_source_id = nullptr;  // stable source ids ("fireworks_api_key_env", "fireworks_env"):
  const char* env_source_id = nullptr;  //   `auth status`, trust records and store_read name sources by them
  const char* max_tokens_field = "max_tokens";  // or "max_completion_tokens"
};

template <const ChatPreset& P>
class ApiKeyChat : public plugin::Instance {
 public:
  using Instance::Instance;

  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    return parse_api_key(host(), source, content, P.key_variable, out);
  }

  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred == nullptr || cred->access_token.len == 0)
      return host().error(JCODE_E_AUTH_REQUIRED, std::string("no ") + P.display_name + " API key; set " +
                                                     P.key_variable + " or run `jcode login --provider " + P.id + "`");
    auto base = host().endpoint_url("api");
    if (!base) return JCODE_E_INVALID_ARG;  // the host recorded which setting is wrong and why
    chat_completions::Target t;
    t.url = *base;
    while (!t.url.empty() && t.url.back() == '/') t.url.pop_back();
    t.url += "/chat/completions";
    t.auth.add("Authorization", "Bearer " + std::string(plugin::view(cred->access_token)));
    t.model = req.model.len ? std::string(plugin::view(req.model)) : std::string(P.default_model);
    t.build.max_tokens_field = P.max_tokens_field;
    t.rules = openai_rules(wording(), std::string("the ") + P.display_name + " stream ended before [DONE]");
    return chat_completions::send(host(), std::move(t), plugin::view(req.conversation), events);
  }

  static Wording wording() {
    Wording w;
    w.service = P.display_name;
    w.credential = "the API key";
    w.auth_fix = std::string("check ") + P.key_variable + ", or run `jcode login --provider " + P.id + "` again";
    w.not_found_fix = "check the model name (-m)";
    return w;
  }
};

// The static tables of a ChatPreset: the plugin's jcode_plugin_api is `api`.
template <const ChatPreset& P>
struct ApiKeyChatTables {
  using T = ApiKeyChat<P>;
  static constexpr jcode_endpoint_decl api_endpoint =
      plugin::endpoint("api", P.api_base, "API base; requests go to <base>/chat/completions");
  static constexpr const jcode_endpoint_decl* endpoints[] = {&api_endpoint, nullptr};

  static constexpr jcode_source_decl var = plugin::source({.kind = JCODE_SOURCE_ENV_VAR,
                                                           .id = P.key_source_id,
                                                           .location = P.key_variable,
                                                           .label = P.key_variable,
                                                           .cred_kind = JCODE_CRED_API_KEY});
  static constexpr jcode_source_decl file = plugin::source({.kind = JCODE_SOURCE_APP_ENV_FILE,
                                                            .id = P.env_source_id,
                                                            .location = P.env_file,
                                                            .label = P.env_file,
                                                            .cred_kind = JCODE_CRED_API_KEY,
                                                            .flags = JCODE_SOURCE_F_LOGIN_TARGET,
                                                            .key = P.key_variable});
  static constexpr const jcode_source_decl* sources[] = {&var, &file, nullptr};

  static constexpr jcode_credential_api credentials = plugin::credential_api<T>();
  static constexpr jcode_login_api login = plugin::login_api<T>(JCODE_LOGIN_API_KEY);
  static constexpr jcode_transport_api transport = plugin::transport_api<T>(P.default_model, JCODE_TRANSPORT_F_TOOLS);
  // The positional form: the roles are spelled out, since comparing these members'
  // addresses with null is not a constant expression inside their own class.
  static constexpr jcode_plugin_api api = [] {
    jcode_plugin_api a = plugin::plugin_api<T>(P.id, P.display_name, P.version,
                                               JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT,
                                               &credentials, &transport, &login, endpoints, sources);
    a.description = P.description;
    return a;
  }();
};

}  // namespace jcode::support
