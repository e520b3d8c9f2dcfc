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
// Key order: the variable, the env file, the env file's legacy variable (when the row names
// one), then the provider's entry in OpenCode's or pi's auth.json after the user approved
// that file (the host asks; the file is read in place, never written). Common quirks are
// columns too: keys with a prefix that belong to another regional API base
// (regional_key_prefix → the declared endpoint regional_endpoint).
#pragma once

#include <jcode/plugin.hpp>
#include <jcode/support/api_key.hpp>
#include <jcode/support/chat_send.hpp>
#include <jcode/support/openai_error.hpp>
#include <jcode/support/shared_auth_files.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

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
  // Optional columns (nullptr = none):
  const char* legacy_file_key = nullptr;   // an older variable name also read from env_file
  const char* legacy_source_id = nullptr;  //   (after key_variable), as its own source id
  const char* shared_key = nullptr;        // the provider's key in OpenCode/pi auth.json; default: id
  const char* regional_key_prefix = nullptr;   // keys starting with this …
  const char* regional_endpoint = nullptr;     // … go to this declared endpoint …
  const char* regional_api_base = nullptr;     // … whose default is this base
  const char* regional_description = nullptr;
};

template <const ChatPreset& P>
class ApiKeyChat : public plugin::Instance {
 public:
  using Instance::Instance;

  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    if (source.flags & JCODE_SOURCE_F_SHARED) return parse_shared(source, content, out);
    if constexpr (P.legacy_source_id != nullptr) {
      if (std::string_view(source.id) == P.legacy_source_id)
        return parse_api_key(host(), source, content, P.legacy_file_key, out);
    }
    return parse_api_key(host(), source, content, P.key_variable, out);
  }

  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred == nullptr || cred->access_token.len == 0)
      return host().error(JCODE_E_AUTH_REQUIRED, std::string("no ") + P.display_name + " API key; set " +
                                                     P.key_variable + " or run `jcode login --provider " + P.id + "`");
    const std::string_view key = plugin::view(cred->access_token);
    const char* endpoint = "api";
    if constexpr (P.regional_key_prefix != nullptr) {
      if (key.starts_with(P.regional_key_prefix)) endpoint = P.regional_endpoint;
    }
    auto base = host().endpoint_url(endpoint);
    if (!base) return JCODE_E_INVALID_ARG;  // the host recorded which setting is wrong and why
    chat_completions::Target t;
    t.url = *base;
    while (!t.url.empty() && t.url.back() == '/') t.url.pop_back();
    t.url += "/chat/completions";
    t.auth.add("Authorization", "Bearer " + std::string(key));
    t.model = req.model.len ? std::string(plugin::view(req.model)) : std::string(P.default_model);
    t.build.max_tokens_field = P.max_tokens_field;
    t.rules = openai_rules(wording(), std::string("the ") + P.display_name + " stream ended before [DONE]");
    return chat_completions::send(host(), std::move(t), plugin::view(req.conversation), events);
  }

  // An OpenCode/pi entry for this provider that holds an API key; anything else there is
  // not ours (DECLINE), so the next source is tried.
  jcode_status parse_shared(const jcode_source_decl& source, std::string_view content,
                            const jcode_credential_sink* out) {
    const std::string_view name = P.shared_key ? P.shared_key : P.id;
    SharedResult r = parse_shared_auth(content, {name});
    if (r.status == SharedParse::malformed)
      return host().error(JCODE_E_PROTOCOL, std::string(source.label) + "'s auth.json is " + r.error);
    if (r.status != SharedParse::found || r.entry.oauth) return JCODE_E_DECLINE;
    if (const char* why = api_key_problem(r.entry.access))
      return host().error(JCODE_E_PROTOCOL, std::string(source.label) + "'s \"" + std::string(name) +
                                                "\" key holds " + why + "; fix it there or run `jcode login --provider " +
                                                P.id + "`");
    host().add_secret(r.entry.access);
    plugin::Credential c;
    c.kind = JCODE_CRED_API_KEY;
    c.access_token = r.entry.access;
    return c.put(out);
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
  static constexpr jcode_endpoint_decl regional_endpoint =
      plugin::endpoint(P.regional_endpoint, P.regional_api_base, P.regional_description);
  static constexpr std::array<const jcode_endpoint_decl*, 3> endpoint_list = [] {
    std::array<const jcode_endpoint_decl*, 3> a{};
    std::size_t n = 0;
    a[n++] = &api_endpoint;
    if (P.regional_endpoint != nullptr) a[n++] = &regional_endpoint;
    return a;
  }();
  static constexpr const jcode_endpoint_decl* const* endpoints = endpoint_list.data();

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
  static constexpr jcode_source_decl legacy = plugin::source({.kind = JCODE_SOURCE_APP_ENV_FILE,
                                                              .id = P.legacy_source_id,
                                                              .location = P.env_file,
                                                              .label = P.env_file,
                                                              .cred_kind = JCODE_CRED_API_KEY,
                                                              .key = P.legacy_file_key});
  static constexpr std::array<const jcode_source_decl*, 6> source_list = [] {
    std::array<const jcode_source_decl*, 6> a{};
    std::size_t n = 0;
    a[n++] = &var;
    a[n++] = &file;
    if (P.legacy_file_key != nullptr) a[n++] = &legacy;
    a[n++] = &kOpenCodeAuthSource;
    a[n++] = &kPiAuthSource;
    return a;
  }();
  static constexpr const jcode_source_decl* const* sources = source_list.data();

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
    a.config_keys = plugin::no_settings;
    return a;
  }();
};

}  // namespace jcode::support
