// A provider that is one table row: an OpenAI-compatible Chat Completions service with an API
// key. The preset is data (ids, the API base, the default model, the key's variable and env
// file); this header turns it into the provider — the key sources (variable, then the env
// file `jcode login` writes), the API-key login the host runs, and the transport through the
// shared Chat Completions send path. A plugin of one provider is then:
//
//   constexpr jcode::support::ChatPreset kExample{.id = "example", .display_name = "Example",
//       .version = "0.1.0", .description = "…", .api_base = "https://api.example.com/v1",
//       .default_model = "example-large", .key_variable = "EXAMPLE_API_KEY",
//       .env_file = "example.env", .key_source_id = "example_api_key_env",
//       .env_source_id = "example_env"};
//   JCODE_DEFINE_PLUGIN(jcode::support::ApiKeyChatTables<kExample>::api, JCODE_ABI_MINOR)
//
// and a catalogue of many (ABI 1.3) declares PresetTables<row>::provider for each row and
// picks its row at create() by host.provider_id() (plugins/openai-compatible).
//
// Key order: the variable, the env file, the env file's legacy variable (when the row names
// one), then the provider's entry in OpenCode's or pi's auth.json after the user approved
// that file (the host asks; the file is read in place, never written). Common quirks are
// columns too: keys with a prefix that belong to another regional API base
// (regional_key_prefix → the declared endpoint regional_endpoint), a key sent in a header
// of its own (auth_header), a local server that may need no key (key_optional).
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
  const char* id = nullptr;            // [a-z0-9-]+ (a plugin of its own: jcode-provider-<id>.so)
  const char* display_name = nullptr;  // "Fireworks AI"
  const char* version = nullptr;       // a plugin of its own only
  const char* description = nullptr;
  const char* api_base = nullptr;       // endpoint "api": requests go to <api_base>/chat/completions
  const char* default_model = nullptr;  // used when the user names none; nullptr = they must (-m)
  const char* key_variable = nullptr;   // "FIREWORKS_API_KEY": the environment, then the env file's key
  const char* env_file = nullptr;       // "fireworks.env" in jcode's config dir; `jcode login` writes it
  const char* key_source_id = nullptr;  // stable source ids ("fireworks_api_key_env", "fireworks_env"):
  const char* env_source_id = nullptr;  //   `auth status`, trust records and store_read name sources by them
  const char* max_tokens_field = "max_tokens";  // or "max_completion_tokens"
  // Optional columns (nullptr / false = none):
  const char* legacy_file_key = nullptr;   // an older variable name also read from env_file
  const char* legacy_source_id = nullptr;  //   (after key_variable), as its own source id
  const char* shared_key = nullptr;        // the provider's key in OpenCode/pi auth.json; default: id
  const char* regional_key_prefix = nullptr;   // keys starting with this …
  const char* regional_endpoint = nullptr;     // … go to this declared endpoint …
  const char* regional_api_base = nullptr;     // … whose default is this base
  const char* regional_description = nullptr;
  const char* auth_header = nullptr;  // the key goes in this header as is; default Authorization: Bearer
  bool key_optional = false;          // a local server: no key found is not an error
};

// The instance of one preset (the row is chosen before or at construction).
class ApiKeyChat : public plugin::Instance {
 public:
  ApiKeyChat(plugin::Host host, const ChatPreset* preset) noexcept : Instance(host), preset_(preset) {}

  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out);
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events);

 protected:
  void set_preset(const ChatPreset* preset) noexcept { preset_ = preset; }

 private:
  // An OpenCode/pi entry for this provider that holds an API key; anything else there is
  // not ours (DECLINE), so the next source is tried.
  jcode_status parse_shared(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out);
  jcode_status no_preset() const;
  Wording wording() const;

  const ChatPreset* preset_;
};

template <const ChatPreset& P>
struct PresetChat : ApiKeyChat {
  explicit PresetChat(plugin::Host host) noexcept : ApiKeyChat(host, &P) {}
};

// The declarations of one preset: its endpoints, its key sources, and (ABI 1.3) the
// provider declaration a catalogue lists.
template <const ChatPreset& P>
struct PresetTables {
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

  static constexpr jcode_provider_decl provider =
      plugin::provider({.id = P.id,
                        .display_name = P.display_name,
                        .description = P.description,
                        .endpoints = endpoints,
                        .sources = sources,
                        .default_model = P.default_model,
                        .flags = P.key_optional ? JCODE_PROVIDER_F_CREDENTIAL_OPTIONAL : 0u});
};

// A whole plugin of one preset: the plugin's jcode_plugin_api is `api`.
template <const ChatPreset& P>
struct ApiKeyChatTables : PresetTables<P> {
  using T = PresetChat<P>;
  static constexpr jcode_credential_api credentials = plugin::credential_api<T>();
  static constexpr jcode_login_api login = plugin::login_api<T>(JCODE_LOGIN_API_KEY);
  static constexpr jcode_transport_api transport =
      plugin::transport_api<T>(P.default_model ? P.default_model : "", JCODE_TRANSPORT_F_TOOLS);
  // The positional form: the roles are spelled out, since comparing these members'
  // addresses with null is not a constant expression inside their own class.
  static constexpr jcode_plugin_api api = [] {
    jcode_plugin_api a = plugin::plugin_api<T>(P.id, P.display_name, P.version,
                                               JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT,
                                               &credentials, &transport, &login, PresetTables<P>::endpoints,
                                               PresetTables<P>::sources);
    a.description = P.description;
    a.config_keys = plugin::no_settings;
    return a;
  }();
};

}  // namespace jcode::support
