#include "provider_auth.hpp"

#include "../cli/context.hpp"
#include "services.hpp"

#include <jcode/auth/consent.hpp>
#include <jcode/auth/io.hpp>
#include <jcode/auth/token_endpoint.hpp>
#include <jcode/config/config.hpp>
#include <jcode/process/process.hpp>
#include <jcode/ui/terminal.hpp>

#include <sstream>
#include <jcode/endpoints/endpoints.hpp>

namespace jcode::app {

ProviderAuth::ProviderAuth(cli::Context& ctx, plugins::Plugin& plugin) : ctx_(ctx), plugin_(plugin) {}

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
  auto bytes = plugin_.call_serialize(source, current->value_or(""), &cred);
  if (!bytes) return bytes.error();
  return store().write(source, *bytes);
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
  if (source.kind == model::SourceKind::app_env_file) {
    auto v = store().read_env_value(source);
    if (!v) return v.error();
    if (!*v || (*v)->empty()) return std::optional<model::Credential>{};
    auto c = plugin_.call_parse(source, **v);
    if (!c) {
      if (c.status() == JCODE_E_DECLINE) return std::optional<model::Credential>{};
      return c.error();
    }
    c->source_id = source.id;
    return std::optional<model::Credential>(*c);
  }
  auto current = store().read(source);
  if (!current) return current.error();
  if (!*current) return std::optional<model::Credential>{};
  auto c = plugin_.call_parse(source, **current);
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
  if (source.kind == model::SourceKind::jcode_file) {
    t.load = [this, source]() { return load(source); };
    t.save = [this, source](const model::Credential& c) { return save(source, c); };
  } else {
    t.external = true;
    t.external_label = source.label;
    t.external_hint = "run " + source.label + " once so it refreshes its own login, or run `jcode login --provider " +
                      info().id + "`";
    t.load = [current]() -> Result<std::optional<model::Credential>> { return std::optional<model::Credential>(current); };
    t.save = [](const model::Credential&) -> Status {
      return Error{JCODE_E_DENIED, "another tool's credentials are never written"};
    };
  }
  auto home = ctx_.jcode_home();
  if (!home) return home.error();
  auth::RefreshCoordinator coordinator(*home);
  return coordinator.ensure_fresh(t, current, force);
}

Result<FoundCredential> ProviderAuth::acquire(bool explicit_provider, bool allow_prompt,
                                              std::vector<SourceTrace>* trace, bool probe_only) {
  auto cfg_path = config::Config::default_path(ctx_.env());
  if (!cfg_path) return cfg_path.error();
  auth::Consent consent(*cfg_path, ctx_.env());
  auth::TerminalIo io;
  auth::ConsentRequest creq;
  creq.provider = info().id;
  creq.provider_display = info().display_name;
  creq.io = &io;
  creq.interactive = allow_prompt && ui::interactive();
  creq.explicit_provider = explicit_provider;
  creq.allow_prompt = allow_prompt;
  int64_t now = ctx_.services().now_ms(info().id);

  std::optional<FoundCredential> best, first_expired;
  std::string looked;
  auto note = [&](const model::SourceDecl& s, std::string path, std::string state, std::string detail,
                  const std::optional<model::Credential>& c) {
    if (!looked.empty()) looked += ", ";
    looked += path.empty() ? s.location : path;
    if (trace) trace->push_back(SourceTrace{s, std::move(path), std::move(state), std::move(detail), c});
  };
  auto parsed = [&](const model::SourceDecl& s, const std::string& content, const std::string& path)
      -> Result<std::optional<FoundCredential>> {
    auto c = plugin_.call_parse(s, content);
    if (!c) {
      if (c.status() == JCODE_E_DECLINE) {
        note(s, path, "absent", "holds no " + info().display_name + " credential", std::nullopt);
        return std::optional<FoundCredential>{};
      }
      note(s, path, "malformed", c.error().message, std::nullopt);
      // Own files that are corrupt must be fixed, never silently skipped.
      if (s.kind == model::SourceKind::jcode_file) return c.error();
      return std::optional<FoundCredential>{};
    }
    c->source_id = s.id;
    note(s, path, "found", "", *c);
    return std::optional<FoundCredential>(FoundCredential{*c, s, path});
  };

  for (const auto& s : info().sources) {
    Result<std::optional<FoundCredential>> got = std::optional<FoundCredential>{};
    switch (s.kind) {
      case model::SourceKind::jcode_file:
      case model::SourceKind::app_env_file: {
        auto path = store().path_of(s);
        std::string p = path ? path->string() : s.location;
        if (s.kind == model::SourceKind::jcode_file) {
          auto bytes = store().read(s);
          if (!bytes) return bytes.error();
          if (!*bytes) { note(s, p, "absent", "", std::nullopt); continue; }
          got = parsed(s, **bytes, p);
        } else {
          auto v = store().read_env_value(s);
          if (!v) return v.error();
          if (!*v || (*v)->empty()) { note(s, p, "absent", "", std::nullopt); continue; }
          got = parsed(s, **v, p);
        }
        break;
      }
      case model::SourceKind::env_var: {
        auto v = ctx_.env().get(s.location);
        if (!v || v->empty()) { note(s, "$" + s.location, "absent", "", std::nullopt); continue; }
        got = parsed(s, *v, "$" + s.location);
        break;
      }
      case model::SourceKind::external_file: {
        auto probe = consent.read_external(s, creq);
        if (!probe) return probe.error();
        std::string p = probe->path.string();
        if (probe->state != auth::ExternalState::read) {
          static const char* names[] = {"found", "absent", "untrusted", "declined", "refused"};
          note(s, p, names[static_cast<int>(probe->state)], probe->detail, std::nullopt);
          continue;
        }
        got = parsed(s, probe->content, p);
        break;
      }
      case model::SourceKind::command: {
        if (probe_only) { note(s, s.location, "unchecked", "a command is run only when the credential is used", std::nullopt); continue; }
        auto ok = consent.approve_command(s, creq);
        if (!ok) return ok.error();
        if (!*ok) { note(s, s.location, "untrusted", "not approved", std::nullopt); continue; }
        process::Spec spec;
        std::istringstream words(s.location);
        for (std::string w; words >> w;) spec.argv.push_back(w);
        spec.timeout = std::chrono::seconds(10);
        auto out = process::capture(spec, 64 * 1024);
        if (!out || out->exit_code != 0) {
          note(s, s.location, "absent", out ? "exited with " + std::to_string(out->exit_code) : out.error().message,
               std::nullopt);
          continue;
        }
        std::string text = out->out;
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        got = parsed(s, text, s.location);
        break;
      }
      case model::SourceKind::plugin: {
        if (probe_only) { note(s, s.label, "unchecked", "resolved by the plugin when used", std::nullopt); continue; }
        auto c = plugin_.call_resolve(s);
        if (!c) {
          note(s, s.label, c.status() == JCODE_E_DECLINE ? "absent" : "failed", c.error().message, std::nullopt);
          continue;
        }
        c->source_id = s.id;
        note(s, s.label, "found", "", *c);
        got = std::optional<FoundCredential>(FoundCredential{*c, s, s.label});
        break;
      }
    }
    if (!got) return got.error();
    if (!*got) continue;
    FoundCredential f = std::move(**got);
    if (!auth::is_expired(f.credential, now)) {
      if (!best) best = std::move(f);
      if (trace == nullptr) break;  // a status trace looks at every source
    } else if (!first_expired) {
      first_expired = std::move(f);
    }
  }
  if (best) return *best;
  if (first_expired) return *first_expired;
  return Error{JCODE_E_AUTH_REQUIRED, "no " + info().display_name + " credentials found" +
                                          (looked.empty() ? std::string() : " (looked at " + looked + ")") +
                                          "; run `jcode login --provider " + info().id + "`"};
}

}  // namespace jcode::app
