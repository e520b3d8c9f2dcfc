#include "services.hpp"

#include "context.hpp"
#include "provider_auth.hpp"

#include <jcode/auth/io.hpp>
#include <jcode/auth/loopback.hpp>
#include <jcode/auth/oauth_flow.hpp>
#include <jcode/auth/pending.hpp>
#include <jcode/config/config.hpp>
#include <jcode/endpoints/endpoints.hpp>
#include <jcode/fs/fs.hpp>
#include <jcode/http/client.hpp>
#include <jcode/log/log.hpp>
#include <jcode/paths/paths.hpp>
#include <jcode/plugins/registry.hpp>
#include <jcode/process/process.hpp>
#include <jcode/ui/browser.hpp>
#include <jcode/ui/terminal.hpp>

#include <openssl/rand.h>

#include <chrono>
#include <iostream>

namespace jcode::app {
namespace {

std::vector<std::string> split_choices(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('|', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// [http] settings of config.toml: CA bundle and timeouts (defaults when absent or unreadable;
// a broken config.toml is reported by the command that loads it).
config::HttpSettings http_settings(Context& ctx) {
  if (auto cfg = ctx.config()) return (*cfg)->http();
  return {};
}

http::ClientOptions client_options(const config::HttpSettings& settings) {
  http::ClientOptions o;
  o.ca_bundle = settings.ca_bundle;
  o.cancelled = [] { return auth::cancel_requested(); };
  return o;
}

}  // namespace

Services::Services(Context& ctx) : ctx_(ctx) {}

auth::HttpFn Services::auth_http() {
  config::HttpSettings settings = http_settings(ctx_);
  return [settings](const http::Request& req) -> Result<http::Response> {
    thread_local http::Client client(client_options(settings));
    http::Request r = req;
    if (settings.connect_timeout_secs) r.connect_timeout = std::chrono::seconds(*settings.connect_timeout_secs);
    return client.fetch(r);
  };
}

void Services::log(std::string_view plugin, plugins::LogLevel level, std::string_view message) {
  log::Level l = level == plugins::LogLevel::error  ? log::Level::error
                 : level == plugins::LogLevel::warn ? log::Level::warn
                 : level == plugins::LogLevel::info ? log::Level::info
                                                    : log::Level::debug;
  log::Logger::global().log(l, std::string(plugin) + ": " + std::string(message));
}

void Services::add_secret(std::string_view, std::string_view secret) { log::add_secret(secret); }

void Services::notify(std::string_view, std::string_view message) {
  std::lock_guard lock(notify_mu_);
  std::cerr << log::redact(message) << "\n";
}

namespace {

std::optional<config::KeyType> key_type(int32_t t) {
  switch (t) {
    case JCODE_CONFIG_STRING: return config::KeyType::string;
    case JCODE_CONFIG_INTEGER: return config::KeyType::integer;
    case JCODE_CONFIG_BOOLEAN: return config::KeyType::boolean;
    case JCODE_CONFIG_STRING_LIST: return config::KeyType::string_list;
    case JCODE_CONFIG_STRING_TABLE: return config::KeyType::string_table;
    default: return std::nullopt;  // a newer type: not checked
  }
}

// The settings the host itself reads from [plugins.<id>] (an OAuth login's client_id).
std::vector<config::KeySpec> host_keys(const plugins::PluginInfo& p) {
  std::vector<config::KeySpec> keys;
  if (p.login && (p.login->oauth || p.login->device)) keys.push_back({"client_id", config::KeyType::string});
  return keys;
}

}  // namespace

Status Services::check_config(const plugins::PluginInfo& plugin) {
  if (!plugin.config_keys) return {};
  auto cfg = ctx_.config();
  if (!cfg) return cfg.error();
  std::vector<config::KeySpec> keys = host_keys(plugin);
  for (const auto& k : *plugin.config_keys) {
    auto t = key_type(k.type);
    keys.push_back({k.key, t.value_or(config::KeyType::string)});
  }
  std::vector<std::string> warnings;
  auto st = (*cfg)->check_plugin_table(plugin.id, keys, warnings);
  for (const auto& w : warnings) log::warn(w);
  if (!st) return st;
  // A list item holding the separator could not be told apart from two items.
  for (const auto& k : *plugin.config_keys) {
    if (k.type != JCODE_CONFIG_STRING_LIST) continue;
    auto items = (*cfg)->plugin_list(plugin.id, k.key);
    if (!items || items->size() < 2) continue;
    for (const auto& i : *items)
      if (i.find(',') != std::string::npos)
        return Error{JCODE_E_INVALID_ARG, (*cfg)->path().string() + ": [plugins." + plugin.id + "] " + k.key +
                                              ": the item \"" + i + "\" holds a comma; give one value per item, or a "
                                              "single comma-separated string (jcode has not changed the file)"};
  }
  return {};
}

Result<std::string> Services::config_get(std::string_view plugin, std::string_view key) {
  auto cfg = ctx_.config();
  if (!cfg) return cfg.error();
  // A profile's settings are its own table (plugin.h, jcode_plugin_api.profile_type).
  if (auto reg = ctx_.registry(); reg) {
    if (const auto* info = (*reg)->find(plugin); info && info->profile) {
      if (auto v = (*cfg)->table_value({"providers", std::string(plugin)}, key)) return *v;
      return Error{JCODE_E_NOT_FOUND, "no " + std::string(key) + " in [providers." + std::string(plugin) + "]"};
    }
  }
  // A declared string list reaches the plugin joined by ",", however it was written.
  if (auto reg = ctx_.registry(); reg) {
    if (const auto* info = (*reg)->find(plugin); info && info->config_keys) {
      for (const auto& k : *info->config_keys) {
        if (k.key != key || k.type != JCODE_CONFIG_STRING_LIST) continue;
        if (auto items = (*cfg)->plugin_list(plugin, key)) {
          std::string joined;
          for (const auto& i : *items) joined += (joined.empty() ? "" : ",") + i;
          return joined;
        }
      }
    }
  }
  if (auto v = (*cfg)->plugin_value(plugin, key)) return *v;
  return Error{JCODE_E_NOT_FOUND, "no [plugins." + std::string(plugin) + "] " + std::string(key) + " in config"};
}

Result<std::string> Services::env_get(std::string_view, std::string_view name) {
  if (auto v = ctx_.env().get(name)) return *v;
  return Error{JCODE_E_NOT_FOUND, std::string(name) + " is not set"};
}

Result<std::string> Services::endpoint_url(std::string_view plugin, std::string_view name) {
  auto reg = ctx_.registry();
  if (!reg) return reg.error();
  const plugins::PluginInfo* info = (*reg)->find(plugin);
  if (info == nullptr) return Error{JCODE_E_NOT_FOUND, "unknown plugin " + std::string(plugin)};
  for (const auto& e : info->endpoints) {
    if (e.name != name) continue;
    auto cfg = ctx_.config();
    if (!cfg) return cfg.error();
    auto r = endpoints::resolve(plugin, name, e.default_url, **cfg, ctx_.env(), e.local_network);
    if (!r) return r.error();
    return r->url;
  }
  return Error{JCODE_E_NOT_FOUND, "plugin " + std::string(plugin) + " declares no endpoint named '" +
                                      std::string(name) + "'"};
}

Result<std::string> Services::resolve_url(std::string_view, std::string_view url, std::string_view setting) {
  return endpoints::resolve_runtime(url, setting, ctx_.env());
}

Result<std::string> Services::read_file(std::string_view plugin, std::string_view path, uint64_t max_bytes) {
  auto p = paths::expand_user(path, ctx_.env());
  if (!p) return p.error();
  if (!p->is_absolute())
    return Error{JCODE_E_INVALID_ARG, "provider '" + std::string(plugin) + "' asked for the relative path '" +
                                          std::string(path) + "'; the setting naming it must hold an absolute path"};
  // jcode's logins are reached through store_read only (its checks, its consent rules).
  if (auto home = paths::jcode_home(ctx_.env())) {
    std::error_code ec;
    auto rel = std::filesystem::weakly_canonical(*p, ec).lexically_relative(std::filesystem::weakly_canonical(*home, ec));
    if (!rel.empty() && *rel.begin() != "..")
      return Error{JCODE_E_DENIED, *p == *home ? "refusing to read jcode's home as a file"
                                               : "refusing to read " + p->string() +
                                                     ": it is inside jcode's home, where only jcode's own stores read"};
  }
  const std::size_t cap = max_bytes == 0 ? std::size_t{1} << 20 : static_cast<std::size_t>(max_bytes);
  auto text = fs::read_file(*p, cap);
  if (!text) return text.error();
  log::add_secret(*text);
  return std::move(*text);
}

int64_t Services::now_ms(std::string_view) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Status Services::random_bytes(std::string_view, std::span<std::byte> out) {
  if (out.empty()) return {};
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) != 1)
    return Error{JCODE_E_INTERNAL, "the system random number generator failed"};
  return {};
}

Status Services::http(std::string_view, const plugins::HttpRequest& request,
                      const plugins::HttpResponseHandler& response) {
  const config::HttpSettings settings = http_settings(ctx_);
  // A client per thread keeps connections alive across a plugin's calls.
  thread_local http::Client client(client_options(settings));
  http::Request req;
  req.method = request.method;
  req.url = request.url;
  for (const auto& [k, v] : request.headers) req.headers.push_back({k, v});
  req.body = request.body;
  req.flags = request.flags;
  if (settings.connect_timeout_secs) req.connect_timeout = std::chrono::seconds(*settings.connect_timeout_secs);
  if (settings.request_timeout_secs) req.total_timeout = std::chrono::seconds(*settings.request_timeout_secs);
  if (settings.stream_idle_timeout_secs) req.idle_timeout = std::chrono::seconds(*settings.stream_idle_timeout_secs);
  if (request.timeout_ms != 0) req.idle_timeout = std::chrono::milliseconds(request.timeout_ms);
  http::ResponseHandler h;
  if (response.on_status)
    h.on_status = [&](int status, const http::Headers& headers) {
      plugins::Headers hs;
      hs.reserve(headers.size());
      for (const auto& x : headers) hs.emplace_back(x.name, x.value);
      return response.on_status(status, hs);
    };
  if (response.on_body) h.on_body = response.on_body;
  if (response.on_event) h.on_event = response.on_event;
  auto r = client.perform(req, h);
  if (!r) return r.error();
  return {};
}

Result<std::string> Services::prompt(std::string_view, const plugins::Prompt& p) {
  ui::Console c = ui::default_console();
  switch (p.kind) {
    case plugins::PromptKind::secret: return ui::prompt_secret(c, p.question);
    case plugins::PromptKind::choice: return ui::prompt_choice(c, p.question, split_choices(p.choices), p.default_value);
    case plugins::PromptKind::confirm: {
      auto yes = ui::confirm(c, p.question);
      if (!yes) return yes.error();
      return std::string(*yes ? "y" : "n");
    }
    case plugins::PromptKind::text: break;
  }
  return ui::prompt_text(c, p.question, p.default_value);
}

Status Services::open_url(std::string_view, std::string_view url) {
  ui::BrowserOptions o;
  o.no_browser = no_browser_;
  ui::BrowserOpener opener(o);
  auto r = opener.open(url);
  if (r.opened) return {};
  std::lock_guard lock(notify_mu_);
  std::cerr << "Open this URL in a browser:\n\n  " << url << "\n\n";
  if (auto qr = ui::render_qr(url)) std::cerr << *qr << "\n";
  return Error{JCODE_E_NOT_SUPPORTED, "browser not opened: " + r.reason};
}

Result<int32_t> Services::spawn(std::string_view, const plugins::ProcessSpec& spec,
                                const plugins::ProcessOutput& output) {
  process::Spec s;
  s.argv = spec.argv;
  s.env = spec.env;
  s.stdin_data = spec.stdin_data;
  s.timeout = std::chrono::milliseconds(spec.timeout_ms);
  if (spec.terminal) {
    // Another tool's interactive session needs the keyboard and the screen.
    if (!ui::interactive())
      return Error{JCODE_E_NONINTERACTIVE, "'" + spec.argv[0] + "' is interactive and needs a terminal, but jcode has none"};
    s.terminal = true;
  }
  process::Handlers h;
  h.on_stdout = output.on_stdout;
  h.on_stderr = output.on_stderr;
  h.cancelled = [] { return auth::cancel_requested(); };
  auto r = process::run(s, h);
  if (!r) return r.error();
  return static_cast<int32_t>(*r);
}

namespace {

// host->loopback_listen: the engine's listener without a state check (the plugin checks).
class LoopbackAdapter final : public plugins::Loopback {
 public:
  explicit LoopbackAdapter(std::unique_ptr<auth::LoopbackListener> l) : l_(std::move(l)) {}
  const std::string& redirect_uri() const override { return l_->redirect_uri(); }
  Result<std::string> wait(uint32_t timeout_ms) override {
    auto r = l_->wait(std::chrono::milliseconds(timeout_ms == 0 ? 300'000 : timeout_ms),
                      [] { return auth::cancel_requested(); });
    if (!r) return r.error();
    return r->query;
  }

 private:
  std::unique_ptr<auth::LoopbackListener> l_;
};

// A plugin's pending-state key is namespaced by its id, so plugins cannot read each other's.
Result<std::string> state_key(std::string_view plugin, std::string_view key) {
  std::string k = std::string(plugin) + "." + std::string(key);
  if (auto st = auth::PendingStore::check_key(k); !st) return st.error();
  return k;
}

}  // namespace

Result<std::unique_ptr<plugins::Loopback>> Services::loopback_listen(std::string_view,
                                                                     const plugins::LoopbackSpec& spec) {
  if (spec.port > 65535) return Error{JCODE_E_INVALID_ARG, "loopback port out of range"};
  auth::LoopbackOptions o;
  o.port = static_cast<uint16_t>(spec.port);
  if (!spec.host.empty()) o.host = spec.host;
  if (!spec.path.empty()) o.path = spec.path;
  auto l = auth::LoopbackListener::start(o);
  if (!l) return l.error();
  return std::unique_ptr<plugins::Loopback>(std::make_unique<LoopbackAdapter>(std::move(*l)));
}

Result<std::string> Services::store_read(std::string_view plugin, std::string_view source_id) {
  return with_own_source(plugin, source_id, [](ProviderAuth& pa, const model::SourceDecl& src) -> Result<std::string> {
    auto bytes = pa.store().read(src);
    if (!bytes) return bytes.error();
    if (!*bytes) return Error{JCODE_E_NOT_FOUND, src.location + " does not exist yet"};
    return **bytes;
  });
}

Status Services::store_write(std::string_view plugin, std::string_view source_id, std::string_view content) {
  auto r = with_own_source(plugin, source_id, [&](ProviderAuth& pa, const model::SourceDecl& src) -> Result<std::string> {
    if (auto st = pa.store().write(src, content); !st) return st.error();
    return std::string();
  });
  if (!r) return r.error();
  return {};
}

Result<std::string> Services::with_own_source(
    std::string_view plugin, std::string_view source_id,
    const std::function<Result<std::string>(ProviderAuth&, const model::SourceDecl&)>& fn) {
  auto reg = ctx_.registry();
  if (!reg) return reg.error();
  auto p = (*reg)->instance(plugin);
  if (!p) return p.error();
  ProviderAuth pa(ctx_, **p);
  auto src = pa.own_source(source_id);
  if (!src) return src.error();
  return fn(pa, *src);
}

Status Services::state_put(std::string_view plugin, std::string_view key, std::string_view value, int64_t ttl_ms) {
  auto k = state_key(plugin, key);
  if (!k) return k.error();
  auto home = ctx_.jcode_home();
  if (!home) return home.error();
  return auth::PendingStore::in_home(*home).put_value(*k, value, ttl_ms);
}

Result<std::string> Services::state_get(std::string_view plugin, std::string_view key) {
  auto k = state_key(plugin, key);
  if (!k) return k.error();
  auto home = ctx_.jcode_home();
  if (!home) return home.error();
  return auth::PendingStore::in_home(*home).get_value(*k);
}

Status Services::state_erase(std::string_view plugin, std::string_view key) {
  auto k = state_key(plugin, key);
  if (!k) return k.error();
  auto home = ctx_.jcode_home();
  if (!home) return home.error();
  return auth::PendingStore::in_home(*home).erase(*k);
}

Result<std::string> Services::oauth_authorize(std::string_view plugin, const model::OAuthClient& client,
                                              const model::LoginRequest& request) {
  auto reg = ctx_.registry();
  if (!reg) return reg.error();
  auto p = (*reg)->instance(plugin);
  if (!p) return p.error();
  auto outcome = ProviderAuth(ctx_, **p).oauth_login(client, request);
  if (!outcome) return outcome.error();
  if (outcome->pending) {
    login_deferred_ = true;
    return Error{JCODE_E_CANCELLED, "login deferred: finish it with " + outcome->pending->resume_command};
  }
  return outcome->token_json;
}

bool Services::is_cancelled(std::string_view) { return auth::cancel_requested(); }

}  // namespace jcode::app
