#include <jcode/plugins/report.hpp>

#include <jcode/paths/paths.hpp>

#include <sstream>

namespace jcode::plugins {
namespace {

using nlohmann::json;

json roles_json(uint32_t roles) {
  json a = json::array();
  if (roles & JCODE_ROLE_CREDENTIALS) a.push_back("credentials");
  if (roles & JCODE_ROLE_LOGIN) a.push_back("login");
  if (roles & JCODE_ROLE_TRANSPORT) a.push_back("transport");
  return a;
}

std::string abi_text(const PluginInfo& p) { return std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor); }

const char* source_kind_name(model::SourceKind k) {
  switch (k) {
    case model::SourceKind::jcode_file: return "jcode-file";
    case model::SourceKind::app_env_file: return "app-env-file";
    case model::SourceKind::external_file: return "external-file";
    case model::SourceKind::env_var: return "env";
    case model::SourceKind::command: return "command";
    case model::SourceKind::plugin: return "plugin";
  }
  return "unknown";
}

// The file jcode reads for a file source; nullopt for other kinds or when it cannot be
// placed (the error shows where the source is used).
std::optional<std::filesystem::path> source_path(const model::SourceDecl& s, const paths::Env& env) {
  Result<std::filesystem::path> base = Error{JCODE_E_NOT_FOUND, ""};
  switch (s.kind) {
    case model::SourceKind::jcode_file: base = paths::jcode_home(env); break;
    case model::SourceKind::app_env_file: base = paths::app_config_dir(env); break;
    case model::SourceKind::external_file: {
      auto p = paths::external_path(s.location, env);
      if (!p) return std::nullopt;
      return *p;
    }
    default: return std::nullopt;
  }
  if (!base) return std::nullopt;
  return *base / s.location;
}

const char* config_type_name(int32_t t) {
  switch (t) {
    case JCODE_CONFIG_STRING: return "string";
    case JCODE_CONFIG_INTEGER: return "integer";
    case JCODE_CONFIG_BOOLEAN: return "boolean";
    case JCODE_CONFIG_STRING_LIST: return "string or array of strings";
    case JCODE_CONFIG_STRING_TABLE: return "table of strings";
  }
  return "unknown type";
}

const char* cred_kind_name(model::CredentialKind k) {
  switch (k) {
    case model::CredentialKind::oauth: return "oauth";
    case model::CredentialKind::api_key: return "api-key";
    case model::CredentialKind::session: return "session";
    case model::CredentialKind::bearer: return "bearer";
  }
  return "unknown";
}

const char* login_method_name(LoginMethod m) {
  switch (m) {
    case LoginMethod::oauth_pkce: return "oauth-pkce";
    case LoginMethod::device: return "device";
    case LoginMethod::api_key: return "api-key";
    case LoginMethod::custom: return "custom";
  }
  return "unknown";
}

const char* redirect_name(model::RedirectKind k) {
  switch (k) {
    case model::RedirectKind::loopback_any: return "loopback";
    case model::RedirectKind::loopback_fixed: return "loopback-fixed-port";
    case model::RedirectKind::manual: return "manual";
  }
  return "unknown";
}

const PluginInfo* find_loaded(const Registry& r, std::string_view id) { return r.find(id); }

}  // namespace

std::string roles_text(uint32_t roles) {
  std::string out;
  for (const auto& r : roles_json(roles)) {
    if (!out.empty()) out += ", ";
    out += r.get<std::string>();
  }
  return out.empty() ? "none" : out;
}

json list_json(const Registry& registry, const ListOptions& options) {
  json j;
  j["plugins"] = json::array();
  for (const auto& p : registry.plugins()) {
    const PluginInfo& i = p->info();
    json e{{"id", i.id}, {"name", i.display_name}, {"version", i.version}, {"path", i.path.string()},
           {"origin", i.origin}, {"abi", abi_text(i)}, {"roles", roles_json(i.roles)}};
    if (options.verbose) {
      e["description"] = i.description;
      e["thread_safe"] = i.thread_safe();
    }
    j["plugins"].push_back(std::move(e));
  }
  j["skipped"] = json::array();
  for (const auto& s : registry.skipped())
    j["skipped"].push_back({{"path", s.path.string()}, {"id", s.id}, {"origin", s.origin}, {"reason", s.reason}});
  j["warnings"] = registry.warnings();
  if (options.verbose) {
    j["search_path"] = json::array();
    for (const auto& d : options.search_path) j["search_path"].push_back({{"path", d.path.string()}, {"origin", d.origin}});
    j["discovery_us"] = registry.discovery_time().count();
  }
  return j;
}

std::string list_text(const Registry& registry, const ListOptions& options) {
  std::ostringstream out;
  out << "Plugins: " << registry.plugins().size() << " loaded";
  if (!registry.skipped().empty()) out << ", " << registry.skipped().size() << " skipped";
  out << "\n";
  for (const auto& p : registry.plugins()) {
    const PluginInfo& i = p->info();
    out << "  " << i.id << "  " << i.display_name << " " << i.version << "  ABI " << abi_text(i)
        << "  roles: " << roles_text(i.roles) << "\n";
    out << "      " << i.path.string() << " (" << i.origin << ")\n";
    if (options.verbose && !i.description.empty()) out << "      " << i.description << "\n";
  }
  if (!registry.skipped().empty()) {
    out << "Skipped:\n";
    for (const auto& s : registry.skipped()) out << "  " << s.path.string() << ": " << s.reason << "\n";
  }
  if (!registry.warnings().empty()) {
    out << "Warnings:\n";
    for (const auto& w : registry.warnings()) out << "  " << w << "\n";
  }
  if (options.verbose) {
    out << "Search path (first match per id wins):\n";
    for (const auto& d : options.search_path) out << "  " << d.path.string() << " (" << d.origin << ")\n";
    out << "Discovery took " << registry.discovery_time().count() << " us\n";
  }
  return out.str();
}

Result<json> info_json(const Registry& registry, std::string_view id, const paths::Env& env) {
  const PluginInfo* i = find_loaded(registry, id);
  if (!i) return registry.not_found(id);
  json j{{"id", i->id}, {"name", i->display_name}, {"version", i->version}, {"description", i->description},
         {"path", i->path.string()}, {"origin", i->origin}, {"abi", abi_text(*i)}, {"roles", roles_json(i->roles)},
         {"thread_safe", i->thread_safe()}};
  j["endpoints"] = json::array();
  for (const auto& e : i->endpoints) {
    json ej{{"name", e.name}, {"full_name", i->id + "." + e.name}, {"default_url", e.default_url},
            {"description", e.description}};
    auto url = registry.services().endpoint_url(i->id, e.name);
    if (url) {
      ej["url"] = *url;
    } else {
      // The override is refused, and so is every request to this endpoint: the default is
      // not in use, so it is not shown as the URL.
      ej["url"] = nullptr;
      ej["error"] = url.error().message;
    }
    j["endpoints"].push_back(std::move(ej));
  }
  j["sources"] = json::array();
  for (const auto& s : i->sources) {
    json sj{{"id", s.id}, {"kind", source_kind_name(s.kind)}, {"location", s.location}, {"label", s.label},
            {"credential", cred_kind_name(s.cred_kind)}, {"login_target", s.login_target()}, {"shared", s.shared()}};
    if (!s.key.empty()) sj["key"] = s.key;
    if (auto p = source_path(s, env)) sj["path"] = p->string();
    j["sources"].push_back(std::move(sj));
  }
  if (i->login) {
    json lj{{"method", login_method_name(i->login->method)}};
    if (i->login->oauth) {
      const auto& o = *i->login->oauth;
      lj["oauth"] = {{"client_id", o.client_id}, {"scopes", o.scopes}, {"authorize_endpoint", o.authorize_endpoint},
                     {"token_endpoint", o.token_endpoint}, {"redirect", redirect_name(o.redirect_kind)},
                     {"redirect_host", o.redirect_host}, {"redirect_path", o.redirect_path}};
      if (o.redirect_kind == model::RedirectKind::loopback_fixed) lj["oauth"]["redirect_port"] = o.redirect_port;
    }
    if (i->login->device) {
      const auto& d = *i->login->device;
      lj["device"] = {{"client_id", d.client_id}, {"scopes", d.scopes}, {"device_endpoint", d.device_endpoint},
                      {"token_endpoint", d.token_endpoint}};
    }
    lj["options"] = json::array();
    for (const auto& o : i->login->options)
      lj["options"].push_back({{"name", o.name}, {"help", o.help}, {"flag", o.is_flag()}, {"secret", o.is_secret()}});
    j["login"] = std::move(lj);
  }
  if (i->transport)
    j["transport"] = {{"default_model", i->transport->default_model}, {"tools", i->transport->tools()},
                      {"subprocess", i->transport->subprocess()}};
  if (i->config_keys) {
    j["settings"] = json::array();
    for (const auto& c : *i->config_keys)
      j["settings"].push_back({{"key", c.key}, {"type", config_type_name(c.type)}, {"help", c.help}});
  }
  j["aliases"] = json::array();
  for (const auto& a : i->aliases) {
    json aj{{"name", a.name}, {"hidden", a.hidden()}, {"deprecated", a.deprecated()}};
    if (!a.env_name.empty()) aj["sets"] = a.env_name + "=" + a.env_value;
    if (!a.replacement.empty()) aj["replacement"] = a.replacement;
    j["aliases"].push_back(std::move(aj));
  }
  return j;
}

Result<std::string> info_text(const Registry& registry, std::string_view id, const paths::Env& env) {
  auto r = info_json(registry, id, env);
  if (!r) return std::move(r).error();
  const json& j = *r;
  std::ostringstream out;
  out << j["name"].get<std::string>() << " (" << j["id"].get<std::string>() << ") " << j["version"].get<std::string>()
      << "\n";
  if (!j["description"].get<std::string>().empty()) out << "  " << j["description"].get<std::string>() << "\n";
  out << "  file: " << j["path"].get<std::string>() << " (" << j["origin"].get<std::string>() << ")\n";
  out << "  ABI: " << j["abi"].get<std::string>() << "\n";
  const PluginInfo* i = registry.find(id);
  out << "  roles: " << roles_text(i->roles) << "\n";
  if (!j["endpoints"].empty()) {
    out << "Endpoints:\n";
    for (const auto& e : j["endpoints"]) {
      if (e["url"].is_null()) {
        out << "  " << e["full_name"].get<std::string>() << " = (unusable: " << e["error"].get<std::string>()
            << "; requests to it fail until that is fixed; default " << e["default_url"].get<std::string>() << ")\n";
        continue;
      }
      out << "  " << e["full_name"].get<std::string>() << " = " << e["url"].get<std::string>();
      if (e["url"] != e["default_url"])
        out << "  (default " << e["default_url"].get<std::string>() << ")";
      out << "\n";
    }
  }
  if (!j["sources"].empty()) {
    out << "Credential sources (in discovery order):\n";
    int n = 1;
    for (const auto& s : j["sources"]) {
      out << "  " << n++ << ". " << s["label"].get<std::string>() << "  [" << s["kind"].get<std::string>() << ": "
          << (s.contains("path") ? s["path"] : s["location"]).get<std::string>();
      if (s.contains("key")) out << " key " << s["key"].get<std::string>();
      out << "]  " << s["credential"].get<std::string>() << ", id " << s["id"].get<std::string>();
      if (s["login_target"].get<bool>()) out << ", login saves here";
      if (s["shared"].get<bool>()) out << ", shared file";
      out << "\n";
    }
  }
  if (j.contains("login")) {
    const auto& l = j["login"];
    out << "Login: " << l["method"].get<std::string>();
    if (l.contains("oauth"))
      out << " (client " << l["oauth"]["client_id"].get<std::string>() << ", redirect "
          << l["oauth"]["redirect"].get<std::string>() << ")";
    if (l.contains("device")) out << " (client " << l["device"]["client_id"].get<std::string>() << ")";
    out << "\n";
    for (const auto& o : l["options"])
      out << "  --" << o["name"].get<std::string>() << (o["flag"].get<bool>() ? "" : " <value>") << "  "
          << o["help"].get<std::string>() << "\n";
  }
  if (j.contains("transport"))
    out << "Transport: default model " << j["transport"]["default_model"].get<std::string>()
        << (j["transport"]["tools"].get<bool>() ? ", tools" : "")
        << (j["transport"]["subprocess"].get<bool>() ? ", local CLI" : "") << "\n";
  if (j.contains("settings") && !j["settings"].empty()) {
    out << "Settings ([plugins." << j["id"].get<std::string>() << "] in config.toml):\n";
    for (const auto& c : j["settings"])
      out << "  " << c["key"].get<std::string>() << " (" << c["type"].get<std::string>() << ")  "
          << c["help"].get<std::string>() << "\n";
  }
  for (const auto& a : j["aliases"]) {
    out << "Alias: --provider " << a["name"].get<std::string>();
    if (a.contains("sets")) out << " (sets " << a["sets"].get<std::string>() << ")";
    if (a["deprecated"].get<bool>())
      out << ", deprecated" << (a.contains("replacement") ? "; use " + a["replacement"].get<std::string>() : "");
    out << "\n";
  }
  return out.str();
}

}  // namespace jcode::plugins
