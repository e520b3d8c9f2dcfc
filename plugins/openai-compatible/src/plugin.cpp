// jcode-provider-openai-compatible: one library, many providers (ABI 1.3). Each catalogue
// row (presets.hpp) is declared as a provider of its own; the plugin's own id is a custom
// endpoint; and the host hands it every [providers.<name>] profile of type
// "openai-compatible" (or of no type). All of them are one mechanism, plugins/support's
// ApiKeyChat; create() only picks the data its context serves.
#include "presets.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/api_key_chat.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace {

using jcode::openai_compatible::kCustom;
using jcode::openai_compatible::kRows;
using jcode::support::ChatPreset;
using jcode::support::PresetTables;

// A row as a static object of its own, so PresetTables can take it as a template argument.
template <std::size_t I>
struct Row {
  static constexpr ChatPreset preset = kRows[I];
};

class CompatChat : public jcode::support::ApiKeyChat {
 public:
  explicit CompatChat(jcode::plugin::Host host) : ApiKeyChat(host, nullptr) {
    const std::string id = host.provider_id().value_or(kCustom.id);
    const ChatPreset* row = id == kCustom.id ? &kCustom : nullptr;
    for (const ChatPreset& r : kRows)
      if (id == r.id) row = &r;
    preset_ = row ? *row : profile(id);
    // [plugins.<id>] default_model (or the profile's) replaces the row's.
    if (auto m = host.config("default_model"); m && !m->empty()) {
      model_ = std::move(*m);
      preset_.default_model = model_.c_str();
    }
    set_preset(&preset_);
  }

 private:
  // A [providers.<name>] profile: config_get reads its table (plugin.h, profile_type).
  ChatPreset profile(const std::string& name) {
    name_ = name;
    ChatPreset p;
    p.id = name_.c_str();
    p.display_name = name_.c_str();
    const std::string auth = host().config("auth").value_or("bearer");
    if (auth == "none") p.key_optional = true;
    if (auth == "header") {
      header_ = host().config("auth_header").value_or("api-key");
      p.auth_header = header_.c_str();
    }
    if (auto v = host().config("api_key_env"); v && !v->empty()) {
      variable_ = std::move(*v);
      p.key_variable = variable_.c_str();
    }
    return p;
  }

  ChatPreset preset_;
  std::string name_, header_, variable_, model_;
};

// Every row's declarations, and the list the host reads (NULL-terminated).
template <std::size_t... I>
constexpr auto provider_list(std::index_sequence<I...>) {
  return std::array<const jcode_provider_decl*, sizeof...(I) + 1>{&PresetTables<Row<I>::preset>::provider...,
                                                                  nullptr};
}
constexpr auto kProviders = provider_list(std::make_index_sequence<kRows.size()>());

using Own = PresetTables<kCustom>;

constexpr jcode_config_decl kDefaultModel = jcode::plugin::setting(
    "default_model", JCODE_CONFIG_STRING, "model asked when -m/--model is not given (replaces the preset's)");
constexpr const jcode_config_decl* kSettings[] = {&kDefaultModel, nullptr};

constexpr jcode_credential_api kCredentials = jcode::plugin::credential_api<CompatChat>();
constexpr jcode_login_api kLogin = jcode::plugin::login_api<CompatChat>(JCODE_LOGIN_API_KEY);
constexpr jcode_transport_api kTransport = jcode::plugin::transport_api<CompatChat>("", JCODE_TRANSPORT_F_TOOLS);

constexpr jcode_plugin_api kApi = [] {
  jcode_plugin_api a = jcode::plugin::plugin_api<CompatChat>(
      kCustom.id, kCustom.display_name, kCustom.version, JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT,
      &kCredentials, &kTransport, &kLogin, Own::endpoints, Own::sources, JCODE_PLUGIN_F_UNTYPED_PROFILES);
  a.description = kCustom.description;
  a.config_keys = kSettings;
  a.providers = kProviders.data();
  a.profile_type = "openai-compatible";
  return a;
}();

}  // namespace

JCODE_DEFINE_PLUGIN(kApi, JCODE_ABI_MINOR)
