// Validation and copying of a plugin's jcode_plugin_api, done once at discovery: the rest of
// the core reads PluginInfo and never the plugin's static data.
#include "plugins/convert.hpp"
#include "plugins/loaded_library.hpp"

#include <jcode/endpoints/endpoints.hpp>

#include <cstring>

namespace jcode::plugins::detail {
namespace {

bool id_chars(const char* s, bool allow_dash, bool allow_underscore) {
  if (!s || !*s) return false;
  for (const char* p = s; *p; ++p) {
    const char c = *p;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (allow_dash && c == '-') ||
                    (allow_underscore && c == '_');
    if (!ok) return false;
  }
  return true;
}

// The size of each struct as ABI 1.0 defined it (frozen): a plugin's struct must hold at
// least its 1.0 fields; later minors only append.
template <class T>
struct V10;
#define JCODE_V10_END(T, last)                                                   \
  template <>                                                                    \
  struct V10<T> {                                                                \
    static constexpr size_t size = offsetof(T, last) + sizeof(((T*)nullptr)->last); \
  };
JCODE_V10_END(jcode_plugin_api, reason_string)
JCODE_V10_END(jcode_endpoint_decl, description)
JCODE_V10_END(jcode_source_decl, flags)
JCODE_V10_END(jcode_option_decl, flags)
JCODE_V10_END(jcode_credential_api, resolve)
JCODE_V10_END(jcode_login_api, run)
JCODE_V10_END(jcode_transport_api, send)
JCODE_V10_END(jcode_oauth_client, flags)
JCODE_V10_END(jcode_device_client, scopes)
#undef JCODE_V10_END

template <class T>
bool whole(const T* p) {
  return p && p->struct_size >= V10<T>::size;
}

std::optional<std::string> read_endpoints(const jcode_endpoint_decl* const* list, PluginInfo& info) {
  if (!list) return std::nullopt;
  for (size_t i = 0; list[i]; ++i) {
    const jcode_endpoint_decl* e = list[i];
    if (!whole(e) || !id_chars(e->name, false, true))
      return "endpoint #" + std::to_string(i) + " has no valid name ([a-z0-9_]+)";
    // The same rule as every override of it (https://, or plain http only to this machine or
    // the instance-metadata address), so a default that could never be used is refused here.
    if (auto st = endpoints::validate_url(e->default_url ? e->default_url : "", "default_url"); !st)
      return "endpoint '" + std::string(e->name) + "': " + st.error().message;
    for (const auto& prev : info.endpoints)
      if (prev.name == e->name) return "endpoint '" + prev.name + "' is declared twice";
    info.endpoints.push_back(EndpointDecl{e->name, e->default_url, str_of(e->description)});
  }
  return std::nullopt;
}

std::optional<std::string> read_sources(const jcode_plugin_api* api, const jcode_source_decl* const* list,
                                        PluginInfo& info, std::vector<const jcode_source_decl*>& source_decls,
                                        int& login_targets, bool& has_jcode_file) {
  if (list) {
    for (size_t i = 0; list[i]; ++i) {
      const jcode_source_decl* s = list[i];
      const std::string which = "source #" + std::to_string(i);
      if (!whole(s)) return which + " has a bad struct_size";
      if (s->kind < JCODE_SOURCE_JCODE_FILE || s->kind > JCODE_SOURCE_PLUGIN) return which + " has an unknown kind";
      if (!s->id || !*s->id || !s->location || !s->label) return which + " lacks id, location or label";
      if (s->cred_kind < JCODE_CRED_OAUTH || s->cred_kind > JCODE_CRED_BEARER)
        return which + " ('" + s->id + "') has an unknown cred_kind";
      if (s->kind == JCODE_SOURCE_EXTERNAL_FILE && std::strncmp(s->location, "~/", 2) != 0)
        return which + " ('" + s->id + "'): an external file's location must start with ~/";
      if (s->kind == JCODE_SOURCE_PLUGIN && (!api->credentials || !JCODE_HAS_FIELD(api->credentials, jcode_credential_api, resolve) ||
                                             !api->credentials->resolve))
        return which + " ('" + s->id + "') is a plugin source but credentials.resolve is NULL";
      for (const auto& prev : info.sources)
        if (prev.id == s->id) return which + ": source id '" + prev.id + "' is declared twice";
      if (s->flags & JCODE_SOURCE_F_LOGIN_TARGET) ++login_targets;
      if (s->kind == JCODE_SOURCE_JCODE_FILE) has_jcode_file = true;
      info.sources.push_back(to_model(*s, static_cast<int>(i)));
      source_decls.push_back(s);
    }
  }
  if (login_targets > 1) return "more than one source is flagged JCODE_SOURCE_F_LOGIN_TARGET";
  if (!info.sources.empty() && !api->credentials)
    return "the plugin declares sources but has no credentials role";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> read_plugin_table(const jcode_plugin_api* api, const std::string& file_id,
                                             PluginInfo& info,
                                             std::vector<const jcode_source_decl*>& source_decls) {
  if (!api) return "the entry point returned no plugin table";
  if (!whole(api)) return "the plugin table is smaller than ABI 1.0's jcode_plugin_api (bad struct_size)";
  if (!api->id || file_id != api->id)
    return std::string("the plugin table's id '") + (api->id ? api->id : "(null)") +
           "' does not match the file name's id '" + file_id + "'";
  if (!api->display_name || !*api->display_name) return "the plugin table has no display_name";
  if (!api->version || !*api->version) return "the plugin table has no version";
  if (!api->create || !api->destroy) return "the plugin table lacks create or destroy";
  constexpr uint32_t kKnownRoles = JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT;
  if (api->roles == 0) return "the plugin declares no role";
  if (api->roles & ~kKnownRoles) return "the plugin declares an unknown role bit";
  if (((api->roles & JCODE_ROLE_CREDENTIALS) != 0) != (api->credentials != nullptr))
    return "the credentials table does not match ROLE_CREDENTIALS";
  if (((api->roles & JCODE_ROLE_LOGIN) != 0) != (api->login != nullptr))
    return "the login table does not match ROLE_LOGIN";
  if (((api->roles & JCODE_ROLE_TRANSPORT) != 0) != (api->transport != nullptr))
    return "the transport table does not match ROLE_TRANSPORT";

  info.id = api->id;
  info.display_name = api->display_name;
  info.version = api->version;
  info.description = str_of(api->description);
  info.roles = api->roles;
  info.flags = api->flags;

  if (auto why = read_endpoints(api->endpoints, info)) return why;
  int login_targets = 0;
  bool has_jcode_file = false;
  if (auto why = read_sources(api, api->sources, info, source_decls, login_targets, has_jcode_file)) return why;

  if (const jcode_credential_api* c = api->credentials) {
    if (!whole(c) || !c->parse) return "the credentials table is too small or lacks parse";
    if (has_jcode_file && !c->serialize) return "a JCODE_FILE source needs credentials.serialize";
    info.credentials = CredentialsInfo{c->serialize != nullptr, c->resolve != nullptr};
  }

  if (const jcode_login_api* l = api->login) {
    if (!whole(l)) return "the login table has a bad struct_size";
    LoginInfo li;
    switch (l->method) {
      case JCODE_LOGIN_OAUTH_PKCE:
        if (!whole(l->oauth) || !l->oauth->client_id || !l->oauth->authorize_endpoint ||
            !l->oauth->token_endpoint || !l->oauth->scopes)
          return "an OAUTH_PKCE login needs an oauth client with client_id, authorize/token endpoints and scopes";
        li.oauth = to_model(*l->oauth);
        break;
      case JCODE_LOGIN_DEVICE:
        if (!whole(l->device) || !l->device->client_id || !l->device->device_endpoint || !l->device->token_endpoint)
          return "a DEVICE login needs a device client with client_id and device/token endpoints";
        li.device = to_model(*l->device);
        break;
      case JCODE_LOGIN_API_KEY:
        if (login_targets != 1) return "an API_KEY login needs a source flagged JCODE_SOURCE_F_LOGIN_TARGET";
        break;
      case JCODE_LOGIN_CUSTOM:
        if (!l->run) return "a CUSTOM login needs run()";
        // Optional: a custom login that runs host->oauth_authorize itself still declares its
        // client, so the host can refresh (and revoke) what that login saved.
        if (l->oauth) {
          if (!whole(l->oauth) || !l->oauth->client_id || !l->oauth->authorize_endpoint ||
              !l->oauth->token_endpoint || !l->oauth->scopes)
            return "a CUSTOM login's oauth client needs client_id, authorize/token endpoints and scopes";
          li.oauth = to_model(*l->oauth);
        }
        break;
      default:
        return "the login table has an unknown method " + std::to_string(l->method);
    }
    li.method = static_cast<LoginMethod>(l->method);
    if (l->options) {
      for (size_t i = 0; l->options[i]; ++i) {
        const jcode_option_decl* o = l->options[i];
        if (!whole(o) || !id_chars(o->name, true, false) || !o->help)
          return "login option #" + std::to_string(i) + " has no valid name ([a-z0-9-]+) or help";
        li.options.push_back(OptionDecl{o->name, o->help, o->flags});
      }
    }
    li.has_token_response = l->token_response != nullptr;
    li.has_after_login = l->after_login != nullptr;
    li.has_run = l->run != nullptr;
    info.login = std::move(li);
  }

  // ABI 1.1: other names, read only when the plugin's table is that large (a 1.0 plugin has
  // none). A malformed alias is a malformed table, like any bad declaration.
  if (JCODE_HAS_FIELD(api, jcode_plugin_api, aliases) && api->aliases) {
    for (size_t i = 0; api->aliases[i]; ++i) {
      const jcode_alias_decl* a = api->aliases[i];
      if (!JCODE_HAS_FIELD(a, jcode_alias_decl, flags) || !id_chars(a->name, true, false) ||
          std::string_view(a->name) == info.id || (a->env_name && !a->env_value))
        return "alias #" + std::to_string(i) + " has no valid name ([a-z0-9-]+, not the plugin's id) or an env_name "
               "without env_value";
      info.aliases.push_back(AliasDecl{a->name, str_of(a->env_name), str_of(a->env_value), str_of(a->replacement),
                                       a->flags});
    }
  }

  // ABI 1.2: declared settings. A bad declaration is a malformed table.
  if (JCODE_HAS_FIELD(api, jcode_plugin_api, config_keys) && api->config_keys) {
    std::vector<ConfigKeyDecl> keys;
    for (size_t i = 0; api->config_keys[i]; ++i) {
      const jcode_config_decl* c = api->config_keys[i];
      if (!JCODE_HAS_FIELD(c, jcode_config_decl, help) || !id_chars(c->key, false, true) || !c->help)
        return "setting #" + std::to_string(i) + " has no valid key ([a-z0-9_]+) or no help";
      keys.push_back(ConfigKeyDecl{c->key, c->type, c->help});
    }
    info.config_keys = std::move(keys);
  }

  if (const jcode_transport_api* t = api->transport) {
    if (!whole(t) || !t->send || !t->default_model)
      return "the transport table is too small or lacks send or default_model";
    info.transport = TransportInfo{t->flags, t->default_model};
  }

  // ABI 1.3: the profile type it runs (its further providers are read one by one by the
  // registry, so one bad row does not cost the others).
  if (JCODE_HAS_FIELD(api, jcode_plugin_api, profile_type) && api->profile_type) {
    if (!id_chars(api->profile_type, true, true)) return "profile_type is not [a-z0-9_-]+";
    info.profile_type = api->profile_type;
  }
  return std::nullopt;
}

std::vector<const jcode_provider_decl*> provider_decls(const jcode_plugin_api* api, uint32_t abi_minor) {
  std::vector<const jcode_provider_decl*> out;
  if (abi_minor < 3 || !JCODE_HAS_FIELD(api, jcode_plugin_api, providers) || !api->providers) return out;
  for (size_t i = 0; api->providers[i]; ++i) out.push_back(api->providers[i]);
  return out;
}

std::optional<std::string> read_provider_decl(const jcode_plugin_api* api, const jcode_provider_decl* d,
                                              const PluginInfo& library, PluginInfo& info,
                                              std::vector<const jcode_source_decl*>& source_decls) {
  if (!JCODE_HAS_FIELD(d, jcode_provider_decl, flags)) return "a provider declaration has a bad struct_size";
  if (!id_chars(d->id, true, false) || d->id[0] == '-') return "a provider declaration has no valid id ([a-z0-9-]+)";
  const std::string id = d->id;
  if (!d->display_name || !*d->display_name) return "provider '" + id + "' has no display_name";
  if (id == library.id) return "provider '" + id + "' repeats the plugin's own id";
  info = library;
  info.id = id;
  info.display_name = d->display_name;
  info.description = str_of(d->description);
  info.library_id = library.id;
  info.aliases.clear();  // the library's other names are the library's
  info.profile_type.clear();
  info.endpoints.clear();
  info.sources.clear();
  info.credential_optional = (d->flags & JCODE_PROVIDER_F_CREDENTIAL_OPTIONAL) != 0;
  if (info.transport && d->default_model && *d->default_model) info.transport->default_model = d->default_model;
  if (auto why = read_endpoints(d->endpoints, info)) return "provider '" + id + "': " + *why;
  int login_targets = 0;
  bool has_jcode_file = false;
  if (auto why = read_sources(api, d->sources, info, source_decls, login_targets, has_jcode_file))
    return "provider '" + id + "': " + *why;
  if (has_jcode_file && !(info.credentials && info.credentials->has_serialize))
    return "provider '" + id + "': a JCODE_FILE source needs credentials.serialize";
  if (info.login && info.login->method == LoginMethod::api_key && login_targets != 1)
    return "provider '" + id + "': an API_KEY login needs a source flagged JCODE_SOURCE_F_LOGIN_TARGET";
  return std::nullopt;
}

}  // namespace jcode::plugins::detail
