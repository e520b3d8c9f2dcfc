// The only translation unit that includes toml++ (it is slow to compile).
#include <jcode/config/config.hpp>

#include <jcode/fs/fs.hpp>
#include <jcode/paths/paths.hpp>
#include <jcode/text/text.hpp>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace jcode::config {
namespace {

namespace stdfs = std::filesystem;

constexpr std::string_view kTrustEnv = "JCODE_TRUSTED_EXTERNAL_AUTH_SOURCES";

// Config lines and list entries: blanks and line ends only.
constexpr std::string_view kBlank = " \t\r\n";

std::string lower(std::string_view s) { return text::ascii_lower(s); }

std::string trim(std::string_view s) { return text::trim(s, kBlank); }

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

const toml::node* find_path(const toml::table& root, const std::vector<std::string>& segs) {
  const toml::node* n = &root;
  for (const auto& s : segs) {
    const auto* t = n->as_table();
    if (t == nullptr) return nullptr;
    n = t->get(s);
    if (n == nullptr) return nullptr;
  }
  return n;
}

std::optional<std::vector<std::string>> string_array(const toml::node* n) {
  if (n == nullptr || !n->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& el : *n->as_array()) {
    if (auto s = el.value<std::string>()) out.push_back(*s);
  }
  return out;
}

std::string where(const stdfs::path& file, const toml::node& n) {
  const auto& src = n.source();
  return file.string() + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

// Checks the types of the keys jcode itself reads, so a typo fails loudly at load instead
// of silently meaning "not configured".
Status validate(const toml::table& root, const stdfs::path& file) {
  auto bad = [&](const toml::node& n, const std::string& what) -> Status {
    return Error{JCODE_E_INVALID_ARG, where(file, n) + ": " + what + "; fix it in " + file.string() +
                                          " (jcode has not changed the file)"};
  };
  auto want_table = [&](const char* key) -> const toml::table* { return root[key].as_table(); };
  for (const char* key : {"provider", "providers", "endpoints", "plugins", "auth", "http"}) {
    if (const auto* n = root.get(key); n != nullptr && !n->is_table()) {
      return bad(*n, std::string("'") + key + "' must be a table, written [" + key + "]");
    }
  }
  auto check_strings = [&](const toml::table* t, const char* table, std::initializer_list<const char*> keys) -> Status {
    if (t == nullptr) return {};
    for (const char* k : keys) {
      if (const auto* n = t->get(k); n != nullptr && !n->is_string()) {
        return bad(*n, std::string("[") + table + "] " + k + " must be a string in double quotes");
      }
    }
    return {};
  };
  auto check_string_arrays = [&](const toml::table* t, const char* table, std::initializer_list<const char*> keys) -> Status {
    if (t == nullptr) return {};
    for (const char* k : keys) {
      const auto* n = t->get(k);
      if (n == nullptr) continue;
      const auto* arr = n->as_array();
      if (arr == nullptr || !std::all_of(arr->begin(), arr->end(), [](const toml::node& e) { return e.is_string(); })) {
        return bad(*n, std::string("[") + table + "] " + k + " must be an array of strings, e.g. " + k + " = [\"a\", \"b\"]");
      }
    }
    return {};
  };
  if (auto s = check_strings(want_table("provider"), "provider", {"default_provider", "default_model"}); !s.ok()) return s;
  if (const auto* eps = want_table("endpoints")) {
    for (const auto& [k, v] : *eps) {
      if (!v.is_string()) return bad(v, "[endpoints] \"" + std::string(k.str()) + "\" must be a URL string, e.g. \"<plugin>.token\" = \"https://…\"");
    }
  }
  if (auto s = check_string_arrays(want_table("plugins"), "plugins", {"enable_only", "disable"}); !s.ok()) return s;
  if (auto s = check_string_arrays(want_table("auth"), "auth", {"trusted_external_source_paths", "trusted_external_sources"}); !s.ok()) return s;
  if (const auto* http = want_table("http")) {
    if (auto s = check_strings(http, "http", {"ca_bundle"}); !s.ok()) return s;
    for (const char* k : {"connect_timeout_secs", "request_timeout_secs", "stream_idle_timeout_secs"}) {
      if (const auto* n = http->get(k); n != nullptr && (!n->is_integer() || *n->value<int64_t>() < 0)) {
        return bad(*n, std::string("[http] ") + k + " must be a whole number of seconds (0 or more)");
      }
    }
  }
  if (const auto* provs = want_table("providers")) {
    for (const auto& [name, v] : *provs) {
      const std::string tname = "providers." + std::string(name.str());
      const auto* t = v.as_table();
      if (t == nullptr) return bad(v, "'" + tname + "' must be a table, written [" + tname + "]");
      if (auto s = check_strings(t, tname.c_str(), {"type", "base_url", "auth", "auth_header", "api_key_env",
                                                    "api_key", "env_file", "default_model"}); !s.ok()) {
        return s;
      }
      for (const char* k : {"requires_api_key", "provider_routing", "model_catalog"}) {
        if (const auto* n = t->get(k); n != nullptr && !n->is_boolean()) {
          return bad(*n, "[" + tname + "] " + k + " must be true or false");
        }
      }
      if (const auto* m = t->get("models"); m != nullptr) {
        const auto* arr = m->as_array();
        if (arr == nullptr || !std::all_of(arr->begin(), arr->end(), [](const toml::node& e) {
              return e.is_table() && e.as_table()->get("id") && e.as_table()->get("id")->is_string();
            })) {
          return bad(*m, "[" + tname + "] models must be tables with an id, written [[" + tname + ".models]] id = \"…\"");
        }
      }
    }
  }
  return {};
}

std::string node_to_string(const toml::node& n) {
  if (auto s = n.value<std::string>(); s && n.is_string()) return *s;
  std::ostringstream os;
  if (n.is_array() || n.is_table()) {
    os << toml::json_formatter{n};
    // Compact, one line: plugins parse it as JSON and may log it.
    return nlohmann::json::parse(os.str()).dump();
  } else if (n.is_boolean()) {
    os << (*n.value<bool>() ? "true" : "false");
  } else if (n.is_integer()) {
    os << *n.value<int64_t>();
  } else {
    n.visit([&os](const auto& v) { os << v; });
  }
  return os.str();
}

toml::table& child_table(toml::table& parent, const std::string& key) {
  if (auto* t = parent[key].as_table()) return *t;
  parent.insert_or_assign(key, toml::table{});
  return *parent[key].as_table();
}

}  // namespace

struct Config::Impl {
  toml::table root;
  std::string text;         // the file as read: a save edits it rather than re-rendering
  std::vector<std::pair<std::string, std::string>> dirty;  // (table, key) set since load
  stdfs::path path;
  bool env_trust = false;
  bool had_comments = false;
  std::vector<std::string> env_paths;
  std::vector<std::string> env_sources;

  std::vector<std::string> file_list(const char* key) const {
    std::vector<std::string> out = string_array(find_path(root, {"auth", key})).value_or(std::vector<std::string>{});
    for (auto& s : out) s = lower(s);
    sort_unique(out);
    return out;
  }

  void set_file_list(const char* key, std::vector<std::string> items) {
    sort_unique(items);
    toml::array arr;
    for (auto& s : items) arr.push_back(std::move(s));
    child_table(root, "auth").insert_or_assign(key, std::move(arr));
    dirty.emplace_back("auth", key);
  }
};

std::string trust_path_entry(std::string_view source_id, std::string_view canonical_path) {
  return lower(source_id) + "|" + lower(canonical_path);
}

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::~Config() = default;
Config::Config(const Config& o) : impl_(o.impl_ ? std::make_unique<Impl>(*o.impl_) : std::make_unique<Impl>()) {}
Config& Config::operator=(const Config& o) {
  if (this != &o) impl_ = o.impl_ ? std::make_unique<Impl>(*o.impl_) : std::make_unique<Impl>();
  return *this;
}
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;

Result<stdfs::path> Config::default_path(const paths::Env& env) {
  auto home = paths::jcode_home(env);
  if (!home.ok()) return std::move(home).error();
  return *home / "config.toml";
}

Result<Config> Config::load(const stdfs::path& path, const paths::Env& env) {
  auto text = fs::read_file(path, 4u << 20);
  if (!text.ok()) {
    if (text.error().status == JCODE_E_NOT_FOUND) return parse("", path, env);
    return std::move(text).error();
  }
  return parse(*text, path, env);
}

Result<Config> Config::parse(std::string_view text, const stdfs::path& path, const paths::Env& env) {
  Config cfg;
  cfg.impl_->path = path;
  try {
    cfg.impl_->root = toml::parse(text, path.string());
    cfg.impl_->text = std::string(text);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return Error{JCODE_E_INVALID_ARG,
                 path.string() + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) +
                     ": invalid TOML: " + std::string(e.description()) + "; fix that line in " + path.string() +
                     " or move the file aside (jcode has not changed it)"};
  }
  if (auto s = validate(cfg.impl_->root, path); !s.ok()) return std::move(s).error();
  for (std::size_t at = 0; at < text.size();) {
    const auto nl = text.find('\n', at);
    const auto line = trim(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    if (!line.empty() && line.front() == '#') cfg.impl_->had_comments = true;
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  if (auto v = env.get(kTrustEnv)) {
    cfg.impl_->env_trust = true;
    for (const auto& item : split(*v, ',')) {
      auto t = trim(item);
      if (t.empty()) continue;
      auto bar = t.find('|');
      if (bar == std::string::npos) {
        cfg.impl_->env_sources.push_back(lower(t));
      } else {
        cfg.impl_->env_paths.push_back(trust_path_entry(trim(t.substr(0, bar)), trim(t.substr(bar + 1))));
      }
    }
    sort_unique(cfg.impl_->env_sources);
    sort_unique(cfg.impl_->env_paths);
  }
  return cfg;
}

std::string_view key_type_text(KeyType t) {
  switch (t) {
    case KeyType::string: return "a string in double quotes";
    case KeyType::integer: return "a whole number";
    case KeyType::boolean: return "true or false";
    case KeyType::string_list: return "a string or an array of strings";
    case KeyType::string_table: return "a table of strings";
  }
  return "a string";
}

namespace {

bool has_type(const toml::node& n, KeyType t) {
  switch (t) {
    case KeyType::string: return n.is_string();
    case KeyType::integer: return n.is_integer();
    case KeyType::boolean: return n.is_boolean();
    case KeyType::string_list: {
      if (n.is_string()) return true;
      const auto* a = n.as_array();
      return a != nullptr && std::all_of(a->begin(), a->end(), [](const toml::node& e) { return e.is_string(); });
    }
    case KeyType::string_table: {
      const auto* tb = n.as_table();
      return tb != nullptr && std::all_of(tb->begin(), tb->end(), [](const auto& kv) { return kv.second.is_string(); });
    }
  }
  return false;
}

std::string line_of(const stdfs::path& file, const toml::node& n) {
  return file.string() + ":" + std::to_string(n.source().begin.line);
}

}  // namespace

Status Config::check_plugin_table(std::string_view plugin_id, const std::vector<KeySpec>& keys,
                                  std::vector<std::string>& warnings) const {
  if (keys.empty()) return {};
  const auto* node = find_path(impl_->root, {"plugins", std::string(plugin_id)});
  if (node == nullptr) return {};
  const std::string table = "[plugins." + std::string(plugin_id) + "]";
  const auto* t = node->as_table();
  if (t == nullptr)
    return Error{JCODE_E_INVALID_ARG, where(impl_->path, *node) + ": " + table + " must be a table; fix it in " +
                                          impl_->path.string() + " (jcode has not changed the file)"};
  std::vector<std::string> names;
  for (const auto& k : keys) names.push_back(k.key);
  for (const auto& [k, v] : *t) {
    const std::string key(k.str());
    auto spec = std::find_if(keys.begin(), keys.end(), [&](const KeySpec& s) { return s.key == key; });
    if (spec == keys.end()) {
      const std::string near = text::closest(key, names);
      warnings.push_back(line_of(impl_->path, v) + ": " + table + " " + key + " is not a setting of " +
                         std::string(plugin_id) + " and is ignored" +
                         (near.empty() ? "" : "; did you mean " + near + "?") +
                         " (`jcode plugins info " + std::string(plugin_id) + "` lists its settings)");
      continue;
    }
    if (!has_type(v, spec->type))
      return Error{JCODE_E_INVALID_ARG, where(impl_->path, v) + ": " + table + " " + key + " must be " +
                                            std::string(key_type_text(spec->type)) + "; fix it in " +
                                            impl_->path.string() + " (jcode has not changed the file)"};
  }
  return {};
}

void Config::check_endpoint_names(const std::vector<std::string>& known, const std::vector<std::string>& plugins,
                                  std::vector<std::string>& warnings) const {
  const auto* t = impl_->root["endpoints"].as_table();
  if (t == nullptr) return;
  for (const auto& [k, v] : *t) {
    const std::string key(k.str());
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const auto dot = key.find('.');
    const std::string plugin = key.substr(0, dot);
    const bool installed = std::find(plugins.begin(), plugins.end(), plugin) != plugins.end();
    const std::string near = text::closest(key, known);
    if (!installed && near.empty()) continue;
    warnings.push_back(line_of(impl_->path, v) + ": [endpoints] \"" + key + "\" names no endpoint" +
                       (installed ? " of " + plugin : " of an installed provider") + " and is ignored" +
                       (near.empty() ? "" : "; did you mean \"" + near + "\"?") +
                       " (`jcode plugins info <provider>` lists the endpoints)");
  }
}

const stdfs::path& Config::path() const { return impl_->path; }

std::optional<std::string> Config::get_string(const std::vector<std::string>& segs) const {
  const auto* n = find_path(impl_->root, segs);
  if (n == nullptr || !n->is_string()) return std::nullopt;
  return n->value<std::string>();
}

std::optional<std::string> Config::get_string(std::string_view dotted) const {
  return get_string(split(dotted, '.'));
}

std::optional<int64_t> Config::get_int(std::string_view dotted) const {
  const auto* n = find_path(impl_->root, split(dotted, '.'));
  if (n == nullptr || !n->is_integer()) return std::nullopt;
  return n->value<int64_t>();
}

std::optional<bool> Config::get_bool(std::string_view dotted) const {
  const auto* n = find_path(impl_->root, split(dotted, '.'));
  if (n == nullptr || !n->is_boolean()) return std::nullopt;
  return n->value<bool>();
}

std::optional<std::vector<std::string>> Config::get_string_array(std::string_view dotted) const {
  return string_array(find_path(impl_->root, split(dotted, '.')));
}

std::map<std::string, std::string> Config::endpoints() const {
  std::map<std::string, std::string> out;
  if (const auto* t = impl_->root["endpoints"].as_table()) {
    for (const auto& [k, v] : *t) {
      if (auto s = v.value<std::string>()) out.emplace(std::string(k.str()), *s);
    }
  }
  return out;
}

std::optional<std::string> Config::endpoint(std::string_view plugin_id, std::string_view name) const {
  return get_string(std::vector<std::string>{"endpoints", std::string(plugin_id) + "." + std::string(name)});
}

std::optional<std::vector<std::string>> Config::plugins_enable_only() const {
  return string_array(find_path(impl_->root, {"plugins", "enable_only"}));
}

std::vector<std::string> Config::plugins_disable() const {
  return string_array(find_path(impl_->root, {"plugins", "disable"})).value_or(std::vector<std::string>{});
}

std::optional<std::string> Config::plugin_value(std::string_view plugin_id, std::string_view key) const {
  return table_value({"plugins", std::string(plugin_id)}, key);
}

std::optional<std::string> Config::table_value(const std::vector<std::string>& table, std::string_view key) const {
  const auto* t = find_path(impl_->root, table);
  if (t == nullptr || !t->is_table() || key.empty()) return std::nullopt;
  // A quoted key holding dots ("a.b" = 1) first, then the dotted path into sub-tables.
  const toml::node* n = t->as_table()->get(key);
  if (n == nullptr) {
    auto segs = split(key, '.');
    n = find_path(*t->as_table(), segs);
  }
  if (n == nullptr) return std::nullopt;
  return node_to_string(*n);
}

std::optional<std::vector<std::string>> Config::plugin_list(std::string_view plugin_id, std::string_view key) const {
  const auto* n = find_path(impl_->root, {"plugins", std::string(plugin_id), std::string(key)});
  if (n == nullptr) return std::nullopt;
  if (auto s = n->value<std::string>(); s && n->is_string()) return std::vector<std::string>{*s};
  return string_array(n);
}

std::vector<std::string> Config::trusted_external_source_paths() const {
  return impl_->env_trust ? impl_->env_paths : impl_->file_list("trusted_external_source_paths");
}

std::vector<std::string> Config::trusted_external_sources() const {
  return impl_->env_trust ? impl_->env_sources : impl_->file_list("trusted_external_sources");
}

bool Config::trust_overridden_by_env() const { return impl_->env_trust; }

bool Config::is_path_trusted(std::string_view source_id, std::string_view canonical_path) const {
  const auto entry = trust_path_entry(source_id, canonical_path);
  const auto list = trusted_external_source_paths();
  return std::binary_search(list.begin(), list.end(), entry);
}

bool Config::is_source_trusted(std::string_view source_id) const {
  const auto list = trusted_external_sources();
  return std::binary_search(list.begin(), list.end(), lower(source_id));
}

void Config::add_trusted_source_path(std::string_view source_id, std::string_view canonical_path) {
  auto list = impl_->file_list("trusted_external_source_paths");
  list.push_back(trust_path_entry(source_id, canonical_path));
  impl_->set_file_list("trusted_external_source_paths", std::move(list));
}

bool Config::remove_trusted_source_path(std::string_view source_id, std::string_view canonical_path) {
  auto list = impl_->file_list("trusted_external_source_paths");
  const auto entry = trust_path_entry(source_id, canonical_path);
  auto it = std::remove(list.begin(), list.end(), entry);
  if (it == list.end()) return false;
  list.erase(it, list.end());
  impl_->set_file_list("trusted_external_source_paths", std::move(list));
  return true;
}

void Config::add_trusted_source(std::string_view source_id) {
  auto list = impl_->file_list("trusted_external_sources");
  list.push_back(lower(source_id));
  impl_->set_file_list("trusted_external_sources", std::move(list));
}

bool Config::remove_trusted_source(std::string_view source_id) {
  auto list = impl_->file_list("trusted_external_sources");
  auto it = std::remove(list.begin(), list.end(), lower(source_id));
  if (it == list.end()) return false;
  list.erase(it, list.end());
  impl_->set_file_list("trusted_external_sources", std::move(list));
  return true;
}

std::vector<std::string> Config::provider_names() const {
  std::vector<std::string> out;
  if (const auto* t = impl_->root["providers"].as_table()) {
    for (const auto& [k, v] : *t) {
      if (v.is_table()) out.emplace_back(k.str());
    }
  }
  return out;
}

std::optional<ProviderProfile> Config::provider(std::string_view name) const {
  const auto* n = find_path(impl_->root, {"providers", std::string(name)});
  if (n == nullptr || !n->is_table()) return std::nullopt;
  const auto& t = *n->as_table();
  ProviderProfile p;
  p.name = std::string(name);
  auto str = [&](const char* k) { return t[k].value<std::string>().value_or(""); };
  p.type = str("type");
  p.base_url = str("base_url");
  p.auth = str("auth");
  p.auth_header = str("auth_header");
  p.api_key_env = str("api_key_env");
  p.api_key = str("api_key");
  p.env_file = str("env_file");
  p.default_model = str("default_model");
  p.requires_api_key = t["requires_api_key"].value<bool>();
  p.provider_routing = t["provider_routing"].value<bool>();
  p.model_catalog = t["model_catalog"].value<bool>();
  if (const auto* arr = t["models"].as_array()) {
    for (const auto& el : *arr) {
      const auto* mt = el.as_table();
      if (mt == nullptr) continue;
      ProviderModel m;
      m.id = (*mt)["id"].value<std::string>().value_or("");
      // Upstream accepts these spellings of the same field.
      for (const char* k : {"context_window", "context_limit", "context-length", "context-window", "context_length"}) {
        if (auto cw = (*mt)[k].value<int64_t>()) {
          m.context_window = cw;
          break;
        }
      }
      p.models.push_back(std::move(m));
    }
  }
  return p;
}

std::optional<std::string> Config::default_provider() const { return get_string("provider.default_provider"); }
std::optional<std::string> Config::default_model() const { return get_string("provider.default_model"); }

HttpSettings Config::http() const {
  HttpSettings h;
  h.ca_bundle = get_string("http.ca_bundle").value_or("");
  h.connect_timeout_secs = get_int("http.connect_timeout_secs");
  h.request_timeout_secs = get_int("http.request_timeout_secs");
  h.stream_idle_timeout_secs = get_int("http.stream_idle_timeout_secs");
  return h;
}

Status Config::set_provider_profile(const ProviderProfile& p) {
  const auto& n = p.name;
  bool valid = !n.empty() && n.size() <= 64 && std::isalnum(static_cast<unsigned char>(n[0]));
  for (char c : n) valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
  if (!valid) {
    return Error{JCODE_E_INVALID_ARG, "invalid provider profile name '" + n +
                                          "': use 1-64 letters, digits, '_' or '-', starting with a letter or digit"};
  }
  auto& t = child_table(child_table(impl_->root, "providers"), n);
  auto set_str = [&](const char* k, const std::string& v) {
    if (v.empty()) t.erase(k); else t.insert_or_assign(k, v);
  };
  auto set_bool = [&](const char* k, const std::optional<bool>& v) {
    if (v) t.insert_or_assign(k, *v); else t.erase(k);
  };
  set_str("type", p.type);
  set_str("base_url", p.base_url);
  set_str("auth", p.auth);
  set_str("auth_header", p.auth_header);
  set_str("api_key_env", p.api_key_env);
  set_str("api_key", p.api_key);
  set_str("env_file", p.env_file);
  set_str("default_model", p.default_model);
  set_bool("requires_api_key", p.requires_api_key);
  set_bool("provider_routing", p.provider_routing);
  set_bool("model_catalog", p.model_catalog);
  if (p.models.empty()) {
    t.erase("models");
  } else {
    toml::array arr;
    for (const auto& m : p.models) {
      toml::table mt;
      mt.insert_or_assign("id", m.id);
      if (m.context_window) mt.insert_or_assign("context_window", *m.context_window);
      arr.push_back(std::move(mt));
    }
    t.insert_or_assign("models", std::move(arr));
  }
  return {};
}

bool Config::remove_provider_profile(std::string_view name) {
  auto* t = impl_->root["providers"].as_table();
  return t != nullptr && t->erase(std::string(name)) > 0;
}

void Config::set_default_provider(std::string_view provider, std::optional<std::string_view> model) {
  auto& t = child_table(impl_->root, "provider");
  t.insert_or_assign("default_provider", std::string(provider));
  impl_->dirty.emplace_back("provider", "default_provider");
  if (model) {
    t.insert_or_assign("default_model", std::string(*model));
    impl_->dirty.emplace_back("provider", "default_model");
  }
}

namespace {

// "[providers.x]" / "[[providers.x.models]]" and the like: the table a header line opens,
// or "" when the line is no header. Quoted header keys are not recognised (then the profile
// cannot be cut as text and the caller says so).
std::string header_table(std::string_view raw) {
  const std::string trimmed = text::trim(raw, kBlank);
  const std::string_view line = trimmed;
  if (line.empty() || line.front() != '[') return {};
  const bool array = line.starts_with("[[");
  const std::size_t open = array ? 2 : 1;
  const auto close = line.find(array ? "]]" : "]", open);
  if (close == std::string_view::npos) return {};
  return text::trim(line.substr(open, close - open), kBlank);
}

std::string quoted_toml(const std::string& v) { return nlohmann::json(v).dump(); }

std::string render_profile(const ProviderProfile& p) {
  std::string out = "[providers." + p.name + "]\n";
  auto str = [&](const char* k, const std::string& v) {
    if (!v.empty()) out += std::string(k) + " = " + quoted_toml(v) + "\n";
  };
  auto flag = [&](const char* k, const std::optional<bool>& v) {
    if (v) out += std::string(k) + " = " + (*v ? "true" : "false") + "\n";
  };
  str("type", p.type);
  str("base_url", p.base_url);
  str("auth", p.auth);
  str("auth_header", p.auth_header);
  str("api_key_env", p.api_key_env);
  str("env_file", p.env_file);
  str("default_model", p.default_model);
  flag("requires_api_key", p.requires_api_key);
  flag("provider_routing", p.provider_routing);
  flag("model_catalog", p.model_catalog);
  for (const auto& m : p.models) {
    out += "\n[[providers." + p.name + ".models]]\nid = " + quoted_toml(m.id) + "\n";
    if (m.context_window) out += "context_window = " + std::to_string(*m.context_window) + "\n";
  }
  return out;
}

}  // namespace

Status Config::add_provider_profile_text(const ProviderProfile& p, bool replace) {
  const std::string table = "providers." + p.name;
  const std::string file = impl_->path.string();
  std::string text = impl_->text;
  if (provider(p.name)) {
    if (!replace)
      return Error{JCODE_E_INVALID_ARG, "a profile named '" + p.name + "' already exists in " + file +
                                            "; pass --overwrite to replace it (nothing was changed)"};
    // Cut every section that belongs to the profile: its header line up to the next header.
    std::string kept;
    bool cutting = false;
    for (std::size_t at = 0; at < text.size();) {
      const auto nl = text.find('\n', at);
      const std::string_view line(text.data() + at, (nl == std::string::npos ? text.size() : nl + 1) - at);
      const std::string h = header_table(line);
      if (!h.empty()) cutting = h == table || h.starts_with(table + ".");
      if (!cutting) kept += line;
      at = nl == std::string::npos ? text.size() : nl + 1;
    }
    text = std::move(kept);
  }
  if (!text.empty() && text.back() != '\n') text += '\n';
  if (!text.empty()) text += '\n';
  text += render_profile(p);
  auto next = parse(text, impl_->path, paths::MapEnv{});
  if (!next) return next.error();
  auto got = next->provider(p.name);
  // What was written must read back as the profile, and nothing else may have changed.
  auto without = [&](const Config& c) {
    Config out = c;
    out.remove_provider_profile(p.name);
    if (auto* t = out.impl_->root["providers"].as_table(); t != nullptr && t->empty()) out.impl_->root.erase("providers");
    return out;
  };
  Config expect = without(*this);
  Config actual = without(*next);
  if (!got || got->base_url != p.base_url || got->default_model != p.default_model ||
      actual.impl_->root != expect.impl_->root)
    return Error{JCODE_E_INVALID_ARG, "cannot replace the profile '" + p.name + "' in " + file +
                                          " without touching other settings (is it written with dotted keys or "
                                          "inline tables?); edit or remove it by hand (nothing was changed)"};
  impl_->root = std::move(next->impl_->root);
  impl_->text = std::move(text);
  return {};
}

bool Config::had_comments() const { return impl_->had_comments; }

std::string Config::to_toml() const {
  std::ostringstream os;
  // Double-quoted strings rather than toml++'s default literal 'strings': what people write.
  constexpr auto flags = toml::toml_formatter::default_flags & ~toml::format_flags::allow_literal_strings;
  os << toml::toml_formatter{impl_->root, flags} << '\n';
  return os.str();
}

Status Config::save() const {
  if (impl_->path.empty()) return Error{JCODE_E_INVALID_ARG, "cannot save a config that has no file path"};
  return save_to(impl_->path);
}

namespace {

// A string or an array of strings as TOML source (JSON string escapes are valid TOML).
std::optional<std::string> render_value(const toml::node& n) {
  if (auto v = n.value<std::string>()) return nlohmann::json(*v).dump();
  const auto* arr = n.as_array();
  if (arr == nullptr) return std::nullopt;
  std::string out = "[";
  for (const auto& el : *arr) {
    auto v = el.value<std::string>();
    if (!v) return std::nullopt;
    out += (out.size() > 1 ? ", " : "") + nlohmann::json(*v).dump();
  }
  return out + "]";
}

// Byte offset of a 1-based line/column in text.
std::optional<std::size_t> offset_of(std::string_view text, toml::source_position pos) {
  std::size_t at = 0;
  for (uint32_t line = 1; line < pos.line; ++line) {
    at = text.find('\n', at);
    if (at == std::string_view::npos) return std::nullopt;
    ++at;
  }
  return at + pos.column - 1;
}

// Sets table.key = value in the file's text, leaving every other byte as it was: the value's
// own span is replaced, or a line is added under the table's header, or a new table is
// appended. nullopt when the text's shape does not allow a local edit.
std::optional<std::string> edit_text(std::string text, const std::string& table, const std::string& key,
                                     const std::string& value) {
  toml::table doc;
  try {
    doc = toml::parse(text);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
  const auto* t = doc[table].as_table();
  if (t == nullptr) {
    if (doc.contains(table)) return std::nullopt;
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text + (text.empty() ? "" : "\n") + "[" + table + "]\n" + key + " = " + value + "\n";
  }
  if (const auto* n = t->get(key)) {
    auto b = offset_of(text, n->source().begin), e = offset_of(text, n->source().end);
    if (!b || !e || *e < *b || *e > text.size()) return std::nullopt;
    return text.substr(0, *b) + value + text.substr(*e);
  }
  // Only under a real "[table]" header line; dotted or inline tables are not edited.
  auto h = offset_of(text, t->source().begin);
  if (!h || text.compare(*h, table.size() + 2, "[" + table + "]") != 0) return std::nullopt;
  auto eol = text.find('\n', *h);
  if (eol == std::string::npos) return text + "\n" + key + " = " + value + "\n";
  return text.substr(0, eol + 1) + key + " = " + value + "\n" + text.substr(eol + 1);
}

}  // namespace

std::optional<std::string> Config::edited_text() const {
  std::string text = impl_->text;
  for (const auto& [table, key] : impl_->dirty) {
    const auto* n = find_path(impl_->root, {table, key});
    if (n == nullptr) return std::nullopt;
    auto v = render_value(*n);
    if (!v) return std::nullopt;
    auto next = edit_text(text, table, key, *v);
    if (!next) return std::nullopt;
    text = std::move(*next);
  }
  // The edit must mean exactly the new settings, or it is not used.
  try {
    if (toml::parse(text) != impl_->root) return std::nullopt;
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
  return text;
}

bool Config::save_keeps_text() const { return impl_->dirty.empty() || edited_text().has_value(); }

Status Config::save_to(const stdfs::path& path) const {
  if (auto text = edited_text()) return fs::atomic_write(path, *text, 0600);
  return fs::atomic_write(path, to_toml(), 0600);
}

std::string profile_key_variable(std::string_view name) {
  std::string out = "JCODE_PROVIDER_";
  for (unsigned char c : name) out.push_back(std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_');
  return out + "_API_KEY";
}

std::string profile_env_file(std::string_view name) { return "provider-" + std::string(name) + ".env"; }

}  // namespace jcode::config
