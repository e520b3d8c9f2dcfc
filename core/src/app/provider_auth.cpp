#include "provider_auth.hpp"

#include "context.hpp"
#include "services.hpp"

#include <jcode/auth/consent.hpp>
#include <jcode/auth/device_flow.hpp>
#include <jcode/auth/pending.hpp>
#include <jcode/auth/io.hpp>
#include <jcode/auth/token_endpoint.hpp>
#include <jcode/config/config.hpp>
#include <jcode/process/process.hpp>
#include <jcode/ui/terminal.hpp>

#include <jcode/log/log.hpp>
#include <jcode/endpoints/endpoints.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace jcode::app {

ProviderAuth::ProviderAuth(Context& ctx, plugins::Plugin& plugin) : ctx_(ctx), plugin_(plugin) {}

auth::CredentialStore& ProviderAuth::store() {
  if (!store_) {
    auto s = auth::CredentialStore::from_environment();
    // from_environment fails only without HOME; fall back to paths that make every later
    // operation fail with a clear message instead of writing somewhere unexpected.
    store_.emplace(s ? std::move(*s) : auth::CredentialStore("", ""));
  }
  return *store_;
}

Result<model::SourceDecl> ProviderAuth::login_target() const {
  for (const auto& s : info().sources)
    if (s.login_target()) return s;
  return Error{JCODE_E_NOT_SUPPORTED, "plugin " + info().id + " declares no source a login saves to"};
}

Result<model::SourceDecl> ProviderAuth::own_source(std::string_view source_id) const {
  for (const auto& s : info().sources) {
    if (s.id != source_id) continue;
    if (s.kind != model::SourceKind::jcode_file && s.kind != model::SourceKind::app_env_file)
      return Error{JCODE_E_DENIED, "source " + s.id + " of plugin " + info().id + " is not jcode's own file"};
    return s;
  }
  return Error{JCODE_E_NOT_FOUND, "plugin " + info().id + " declares no source '" + std::string(source_id) + "'"};
}

model::OAuthClient ProviderAuth::effective_client(const model::OAuthClient& client) {
  model::OAuthClient c = client;
  auto& svc = ctx_.services();
  if (auto v = svc.config_get(info().id, "client_id")) c.client_id = *v;
  if (auto v = svc.config_get(info().id, "client_secret")) c.client_secret = *v;
  return c;
}

Result<auth::OAuthUrls> ProviderAuth::oauth_urls(const model::OAuthClient& client) {
  auto& svc = ctx_.services();
  auth::OAuthUrls urls;
  auto a = svc.endpoint_url(info().id, client.authorize_endpoint);
  if (!a) return a.error();
  urls.authorize = *a;
  auto t = svc.endpoint_url(info().id, client.token_endpoint);
  if (!t) return t.error();
  urls.token = *t;
  if (!client.revoke_endpoint.empty()) {
    auto r = svc.endpoint_url(info().id, client.revoke_endpoint);
    if (!r) return r.error();
    urls.revoke = *r;
  }
  return urls;
}

Result<auth::LoginOutcome> ProviderAuth::oauth_login(const model::OAuthClient& client, const model::LoginRequest& req) {
  model::OAuthClient c = effective_client(client);
  auto urls = oauth_urls(c);
  if (!urls) return urls.error();
  auto home = ctx_.jcode_home();
  if (!home) return home.error();
  auth::TerminalIo io;
  auth::PendingStore pending = auth::PendingStore::in_home(*home);
  auth::OAuthFlowContext fc;
  fc.provider = info().id;
  fc.client = c;
  fc.urls = *urls;
  fc.io = &io;
  fc.http = ctx_.services().auth_http();
  fc.pending = &pending;
  return auth::OAuthFlow(fc).run(req);
}

Result<auth::LoginOutcome> ProviderAuth::device_login(const model::DeviceClient& client, const model::LoginRequest& req) {
  auto& svc = ctx_.services();
  auto device_url = svc.endpoint_url(info().id, client.device_endpoint);
  if (!device_url) return device_url.error();
  auto token_url = svc.endpoint_url(info().id, client.token_endpoint);
  if (!token_url) return token_url.error();
  auto home = ctx_.jcode_home();
  if (!home) return home.error();
  auth::TerminalIo io;
  auth::PendingStore pending = auth::PendingStore::in_home(*home);
  auth::DeviceFlowContext dc;
  dc.provider = info().id;
  dc.client = client;
  dc.device_url = *device_url;
  dc.token_url = *token_url;
  dc.io = &io;
  dc.http = ctx_.services().auth_http();
  dc.pending = &pending;
  return auth::DeviceFlow(dc).run(req);
}

Result<model::Credential> ProviderAuth::map_tokens(std::string_view json, const model::Credential* previous) {
  if (info().login && info().login->has_token_response) return plugin_.call_token_response(json, previous);
  return auth::map_token_response(json, previous, ctx_.services().now_ms(info().id));
}

Status ProviderAuth::save(const model::SourceDecl& source, const model::Credential& cred) {
  if (source.kind == model::SourceKind::app_env_file) return store().write_env_value(source, cred.access_token);
  if (source.kind != model::SourceKind::jcode_file)
    return Error{JCODE_E_DENIED, "refusing to write " + source.label + ": it is not jcode's own file"};
  auto current = store().read(source);
  if (!current) return current.error();
  if (auto st = check_parseable(source, *current); !st) return st;
  auto bytes = plugin_.call_serialize(source, current->value_or(""), &cred);
  if (!bytes) return bytes.error();
  return store().write(source, *bytes);
}

Status ProviderAuth::check_parseable(const model::SourceDecl& source, const std::optional<std::string>& content) {
  if (!content || content->empty()) return {};
  auto parsed = plugin_.call_parse(source, *content);
  if (parsed || parsed.status() == JCODE_E_DECLINE) return {};
  auto path = store().path_of(source);
  return Error{JCODE_E_PROTOCOL, (path ? path->string() : source.location) + " cannot be read as " + info().display_name +
                                     " credentials (" + parsed.error().message +
                                     "). jcode will not overwrite it: repair it, or move it aside and run `jcode login "
                                     "--provider " + info().id + "` again."};
}

Status ProviderAuth::check_saveable(const model::SourceDecl& source) {
  if (source.kind == model::SourceKind::app_env_file) {
    auto v = store().read_env_value(source);
    if (!v) return v.error();
    return store().check_writable(source, 64 * 1024);
  }
  if (source.kind != model::SourceKind::jcode_file)
    return Error{JCODE_E_DENIED, "refusing to write " + source.label + ": it is not jcode's own file"};
  auto current = store().read(source);
  if (!current) return current.error();
  if (auto st = check_parseable(source, *current); !st) return st;
  // Room for the file as it is plus a generous new entry (tokens, id_token, profile).
  return store().check_writable(source, (*current ? (*current)->size() : 0) + 16 * 1024);
}

Result<bool> ProviderAuth::remove(const model::SourceDecl& source) {
  if (source.kind == model::SourceKind::app_env_file) {
    auto v = store().read_env_value(source);
    if (!v) return v.error();
    if (!*v) return false;
    auto st = store().remove_env_value(source);
    if (!st) return st.error();
    return true;
  }
  if (source.kind != model::SourceKind::jcode_file)
    return Error{JCODE_E_DENIED, "refusing to modify " + source.label + ": it is not jcode's own file"};
  auto current = store().read(source);
  if (!current) return current.error();
  if (!*current) return false;
  auto parsed = plugin_.call_parse(source, **current);
  if (!parsed) return parsed.status() == JCODE_E_DECLINE ? Result<bool>(false) : Result<bool>(parsed.error());
  auto bytes = plugin_.call_serialize(source, **current, nullptr);
  if (!bytes) return bytes.error();
  auto st = store().write(source, *bytes);
  if (!st) return st.error();
  return true;
}

Result<std::optional<model::Credential>> ProviderAuth::load(const model::SourceDecl& source) {
  // An env-file source's content is its key's value; a jcode file's, the whole file.
  auto content = source.kind == model::SourceKind::app_env_file ? store().read_env_value(source) : store().read(source);
  if (!content) return content.error();
  if (!*content || (*content)->empty()) return std::optional<model::Credential>{};
  auto c = plugin_.call_parse(source, **content);
  if (!c) {
    if (c.status() == JCODE_E_DECLINE) return std::optional<model::Credential>{};
    return c.error();
  }
  c->source_id = source.id;
  return std::optional<model::Credential>(*c);
}

Result<auth::RefreshResult> ProviderAuth::refresh(const model::SourceDecl& source, const model::Credential& current,
                                                  bool force) {
  if (!info().login || !info().login->oauth)
    return Error{JCODE_E_NOT_SUPPORTED, info().display_name + " credentials cannot be refreshed by jcode"};
  model::OAuthClient client = effective_client(*info().login->oauth);
  auth::RefreshTarget t;
  t.provider = info().id;
  t.display = info().display_name;
  auto token = ctx_.services().endpoint_url(info().id, client.token_endpoint);
  if (!token) return token.error();
  t.token_url = *token;
  t.client_id = client.client_id;
  t.client_secret = client.client_secret;
  t.body = client.token_body;
  t.refresh_scopes = client.refresh_scopes;
  t.mapper = [this](std::string_view json, const model::Credential* previous) { return map_tokens(json, previous); };
  if (source.kind == model::SourceKind::plugin) {
    // The plugin resolves (and renews) this credential itself: ask it again. The same token
    // back means it cannot do better; that is not another tool's login.
    auto d = discover(false, false);
    if (!d) return d.error();
    for (const auto& tr : d->trace) {
      if (tr.source.id != source.id || !tr.credential) continue;
      const bool changed = tr.credential->access_token != current.access_token;
      if (changed && !auth::is_expired(*tr.credential, ctx_.services().now_ms(info().id)))
        return auth::RefreshResult{*tr.credential, true, false};
    }
    return Error{JCODE_E_AUTH_REQUIRED, "the " + info().display_name + " credential from " + source.label +
                                            (force ? " was refused by the service" : " has expired") +
                                            " and " + source.label + " has no newer one; run `jcode login --provider " +
                                            info().id + "`"};
  }
  if (source.kind == model::SourceKind::jcode_file) {
    t.load = [this, source]() { return load(source); };
    t.save = [this, source](const model::Credential& c) { return save(source, c); };
    t.check_save = [this, source]() { return check_saveable(source); };
  } else {
    t.external = true;
    t.external_label = source.label;
    t.external_hint = "run " + source.label + " once so it refreshes its own login";
    // Its owner may have refreshed it since: read the source again (never refreshed here).
    t.load = [this, source, current]() -> Result<std::optional<model::Credential>> {
      auto d = discover(false, false);
      if (!d) return d.error();
      for (const auto& tr : d->trace)
        if (tr.source.id == source.id && tr.credential) return std::optional<model::Credential>(*tr.credential);
      return std::optional<model::Credential>(current);
    };
    t.save = [](const model::Credential&) -> Status {
      return Error{JCODE_E_DENIED, "another tool's credentials are never written"};
    };
  }
  auto home = ctx_.jcode_home();
  if (!home) return home.error();
  auth::RefreshCoordinator coordinator(*home, ctx_.services().auth_http());
  return coordinator.ensure_fresh(t, current, force);
}

Result<auth::DiscoveryResult> ProviderAuth::discover(bool explicit_provider, bool allow_prompt, bool probe_only,
                                                     bool run_probes) {
  auto cfg_path = config::Config::default_path(ctx_.env());
  if (!cfg_path) return cfg_path.error();
  auth::Consent consent(*cfg_path, ctx_.env());
  static auth::TerminalIo io;
  auth::DiscoveryCallbacks cb;
  cb.parse = [this](const model::SourceDecl& s, std::string_view content) -> Result<std::optional<model::Credential>> {
    auto c = plugin_.call_parse(s, content);
    if (c) return std::optional<model::Credential>(*c);
    if (c.status() == JCODE_E_DECLINE) return std::optional<model::Credential>{};
    return c.error();
  };
  cb.resolve = [this](const model::SourceDecl& s) -> Result<std::optional<model::Credential>> {
    auto c = plugin_.call_resolve(s);
    if (c) return std::optional<model::Credential>(*c);
    if (c.status() == JCODE_E_DECLINE) return std::optional<model::Credential>{};
    return c.error();
  };
  cb.run_command = [](const std::vector<std::string>& argv) -> Result<std::string> {
    process::Spec spec;
    spec.argv = argv;
    spec.timeout = std::chrono::seconds(10);
    auto out = process::capture(spec, 64 * 1024);
    if (!out) return out.error();
    if (out->exit_code != 0)
      return Error{JCODE_E_NOT_FOUND, argv.empty() ? "command failed" : argv[0] + " exited with " + std::to_string(out->exit_code)};
    std::string text = out->out;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  };
  auth::DiscoveryOptions o;
  o.consent.provider = info().id;
  o.consent.provider_display = info().display_name;
  o.consent.io = &io;
  o.consent.interactive = allow_prompt && !probe_only && ui::interactive();
  o.consent.explicit_provider = explicit_provider;
  o.consent.allow_prompt = allow_prompt && !probe_only;
  o.probe_all = probe_only;
  o.run_commands = !probe_only || run_probes;
  o.resolve_plugin_sources = !probe_only || run_probes;
  o.env = &ctx_.env();
  std::string id = info().id;
  o.now = [this, id] { return ctx_.services().now_ms(id); };
  auto r = auth::discover(info().sources, store(), consent, cb, o);
  // A report says them too: a file's mode jcode just tightened is news in any command.
  if (r)
    for (const auto& w : r->warnings) log::warn(w);
  return r;
}

Result<auth::Discovered> ProviderAuth::acquire(bool explicit_provider, bool allow_prompt) {
  auto r = discover(explicit_provider, allow_prompt);
  if (!r) return r.error();
  if (r->found) return *r->found;
  // Each place once (an env var and an env file may name the same variable), and why a source
  // that held something was not used: that is the fix the user needs.
  std::string looked;
  std::vector<std::string> seen;
  for (const auto& t : r->trace) {
    if (std::find(seen.begin(), seen.end(), t.where) != seen.end()) continue;
    seen.push_back(t.where);
    std::string item = t.where;
    if (t.state != auth::SourceState::absent && !t.detail.empty()) item += ": " + t.detail;
    looked += (looked.empty() ? "" : "; ") + item;
  }
  return Error{JCODE_E_AUTH_REQUIRED, "no " + info().display_name + " credentials found" +
                                          (looked.empty() ? std::string() : " (looked at " + looked + ")") +
                                          "; run `jcode login --provider " + info().id + "`"};
}

}  // namespace jcode::app
