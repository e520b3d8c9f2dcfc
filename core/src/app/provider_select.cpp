#include "provider_select.hpp"

#include "provider_auth.hpp"
#include "services.hpp"

#include <jcode/auth/refresh.hpp>

#include <mutex>

namespace jcode::app {
bool claude_cli_mode(const Context& ctx, const std::string& id) {
  if (id != "claude") return false;
  auto v = ctx.env().get("JCODE_USE_CLAUDE_CLI");
  return v && *v == "1";
}

Result<SelectedProvider> select_named_provider(Context& ctx, const std::string& id, bool explicit_choice,
                                               std::optional<auth::Discovered> found) {
  auto reg = ctx.registry();
  if (!reg) return reg.error();
  auto plugin = (*reg)->instance(id);
  if (!plugin) return plugin.error();
  SelectedProvider out;
  out.plugin = *plugin;
  if ((*plugin)->info().sources.empty() || claude_cli_mode(ctx, id)) return out;

  auto pa = std::make_shared<ProviderAuth>(ctx, **plugin);
  if (!found) {
    auto f = pa->acquire(explicit_choice, /*allow_prompt=*/true);
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
      return Error{JCODE_E_AUTH_REQUIRED, pa->info().display_name + " refused the credential from " + st->source.label +
                                              "; run `jcode login --provider " + pa->info().id + "`"};
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
  }
  if (!id.empty()) return select_named_provider(ctx, id, !ctx.global().provider.empty());
  // Auto-detection: the first provider with a usable credential, never prompting.
  auto reg = ctx.registry();
  if (!reg) return reg.error();
  for (const auto& p : (*reg)->plugins()) {
    if (!p->info().transport || p->info().sources.empty()) continue;
    auto inst = (*reg)->instance(p->id());
    if (!inst) continue;
    ProviderAuth pa(ctx, **inst);
    auto found = pa.acquire(false, /*allow_prompt=*/false);
    if (found) return select_named_provider(ctx, p->id(), false, std::move(*found));
  }
  return Error{JCODE_E_AUTH_REQUIRED,
               "no provider has usable credentials; log in with `jcode login --provider <id>` or name one with --provider"};
}

}  // namespace jcode::app
