#include "provider_select.hpp"

#include "provider_auth.hpp"
#include "services.hpp"

#include <jcode/auth/refresh.hpp>

#include <jcode/log/log.hpp>

#include <cstdlib>
#include <mutex>

namespace jcode::app {
Status apply_alias(Context& ctx, std::string& name) {
  if (name.empty()) return {};
  auto reg = ctx.registry();
  if (!reg) return reg.error();
  auto [plugin, alias] = (*reg)->find_alias(name);
  if (!plugin) return {};
  if (alias->deprecated())
    log::warn("--provider " + name + " is deprecated" +
              (alias->replacement.empty() ? "" : "; use " + alias->replacement + " instead"));
  // Set before any plugin reads it; env_get and child processes see the process environment.
  if (!alias->env_name.empty()) ::setenv(alias->env_name.c_str(), alias->env_value.c_str(), 1);
  name = plugin->id;
  return {};
}

Result<SelectedProvider> select_named_provider(Context& ctx, const std::string& id, bool explicit_choice,
                                               std::optional<auth::Discovered> found) {
  auto reg = ctx.registry();
  if (!reg) return reg.error();
  auto plugin = (*reg)->instance(id);
  if (!plugin) return plugin.error();
  SelectedProvider out;
  out.plugin = *plugin;
  if ((*plugin)->info().sources.empty()) return out;

  auto pa = std::make_shared<ProviderAuth>(ctx, **plugin);
  if (!found) {
    // A service that may need no key (a local server) is not a reason to ask for a login.
    const bool optional = (*plugin)->info().credential_optional;
    auto f = pa->acquire(explicit_choice, /*allow_prompt=*/!optional);
    if (!f && optional && f.error().status == JCODE_E_AUTH_REQUIRED) {
      log::debug((*plugin)->id() + ": no key found; calling it without one");
      return out;
    }
    if (!f) return f.error();
    found = std::move(*f);
  }
  out.source_label = found->source.label;
  out.source_path = found->where;
  struct State {
    std::mutex mu;
    model::Credential cred;
    model::SourceDecl source;
  };
  auto st = std::make_shared<State>();
  st->cred = found->credential;
  st->source = found->source;
  Context* c = &ctx;
  out.credentials = [pa, st, c](bool force_refresh) -> Result<model::Credential> {
    std::lock_guard lock(st->mu);
    int64_t now = c->services().now_ms(pa->info().id);
    bool oauth = st->cred.kind == model::CredentialKind::oauth;
    if (oauth && (force_refresh || auth::needs_refresh(st->cred, now))) {
      auto r = pa->refresh(st->source, st->cred, force_refresh);
      if (!r) return r.error();
      st->cred = r->credential;
    } else if (force_refresh && st->source.kind == model::SourceKind::plugin) {
      // Short-lived tokens from the plugin's own chain (Azure Entra): ask it again.
      auto again = pa->acquire(false, false);
      if (!again) return again.error();
      st->cred = again->credential;
    } else if (force_refresh) {
      // A key or a CLI session cannot be renewed here (see agent::CredentialProvider).
      return Error{JCODE_E_NOT_SUPPORTED, pa->info().display_name + " refused the credential from " +
                                              st->source.label + "; run `jcode login --provider " + pa->info().id + "`"};
    }
    return st->cred;
  };
  return out;
}

Result<SelectedProvider> select_provider(Context& ctx) {
  std::string id = ctx.global().provider;
  auto cfg = ctx.config();
  if (!cfg) return cfg.error();
  if (id.empty()) {
    if (auto d = (*cfg)->default_provider()) id = *d;
    // `provider add --set-default` names a profile here; one that cannot run says why rather
    // than "not installed".
    if (!id.empty() && (*cfg)->provider(id)) {
      auto reg = ctx.registry();
      if (!reg) return reg.error();
      for (const auto& sp : (*reg)->skipped_profiles())
        if (sp.name == id)
          return Error{JCODE_E_INVALID_ARG, "[provider] default_provider in " + (*cfg)->path().string() + " is the "
                                                "profile '" + id + "', which cannot run: " + sp.reason};
    }
    if (auto st = apply_alias(ctx, id); !st) return st.error();
  }
  if (!id.empty()) {
    const bool from_config = ctx.global().provider.empty();
    auto sel = select_named_provider(ctx, id, !from_config);
    if (sel && from_config)
      if (auto m = (*cfg)->default_model()) sel->model = *m;
    return sel;
  }
  // Auto-detection: the first provider with a usable credential, never prompting.
  auto reg = ctx.registry();
  if (!reg) return reg.error();
  for (const auto& p : (*reg)->plugins()) {
    if (!p->info().transport || p->info().sources.empty()) continue;
    auto inst = (*reg)->instance(p->id());
    if (!inst) continue;
    ProviderAuth pa(ctx, **inst);
    auto d = pa.discover(false, /*allow_prompt=*/false);
    if (!d) continue;
    if (d->found) return select_named_provider(ctx, p->id(), false, std::move(*d->found));
    // Another tool's login that was passed over only because it is not approved: say so,
    // or the user never learns why it was not used.
    for (const auto& t : d->trace) {
      if (t.state != auth::SourceState::untrusted || t.source.kind != model::SourceKind::external_file) continue;
      log::warn("skipped " + t.source.label + " credentials at " + t.where +
                ": not approved for jcode. Approve them with `jcode auth trust add " + t.source.id + " " + t.where +
                "`, or run with --provider " + p->id() + " to be asked");
    }
  }
  return Error{JCODE_E_AUTH_REQUIRED,
               "no provider has usable credentials; log in with `jcode login --provider <id>` or name one with --provider"};
}

}  // namespace jcode::app
