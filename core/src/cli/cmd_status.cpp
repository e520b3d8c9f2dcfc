// jcode auth status: every installed provider, whether it is configured, from where, what
// kind, until when, and what to do. Reads files only: no network, no prompts, no commands.
#include "../app/provider_auth.hpp"
#include "../app/services.hpp"
#include "commands.hpp"

#include <jcode/auth/refresh.hpp>
#include <jcode/cli/exit_codes.hpp>

#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>

namespace jcode::cli {
namespace {

std::string kind_name(model::CredentialKind k) {
  switch (k) {
    case model::CredentialKind::oauth: return "oauth";
    case model::CredentialKind::api_key: return "api-key";
    case model::CredentialKind::session: return "session";
    case model::CredentialKind::bearer: return "bearer";
  }
  return "unknown";
}

std::string when(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

}  // namespace

int cmd_auth_status(Context& ctx) {
  auto reg = ctx.registry();
  if (!reg) return ctx.fail(reg.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : (*reg)->plugins()) {
    const auto& info = p->info();
    if (info.sources.empty() && !info.login) continue;
    nlohmann::json entry{{"provider", info.id}, {"name", info.display_name}};
    auto inst = (*reg)->instance(info.id);
    if (!inst) {
      entry["configured"] = false;
      entry["error"] = inst.error().message;
      out.push_back(entry);
      continue;
    }
    app::ProviderAuth pa(ctx, **inst);
    std::vector<app::SourceTrace> trace;
    auto found = pa.acquire(false, false, &trace, /*probe_only=*/true);
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& t : trace)
      sources.push_back({{"id", t.source.id}, {"label", t.source.label}, {"path", t.path}, {"state", t.state},
                         {"detail", t.detail}});
    entry["sources"] = sources;
    int64_t now = ctx.services().now_ms(info.id);
    if (found) {
      const auto& c = found->credential;
      entry["configured"] = true;
      entry["source"] = found->source.id;
      entry["source_label"] = found->source.label;
      entry["path"] = found->path;
      entry["kind"] = kind_name(c.kind);
      entry["expires_at_ms"] = c.expires_at_ms ? nlohmann::json(c.expires_at_ms) : nlohmann::json();
      bool expired = auth::is_expired(c, now);
      entry["expired"] = expired;
      if (!c.email.empty()) entry["email"] = c.email;
      bool own = found->source.kind == model::SourceKind::jcode_file || found->source.kind == model::SourceKind::app_env_file;
      if (expired && c.refresh_token.empty())
        entry["action"] = "run `jcode login --provider " + info.id + "`";
      else if (expired && !own)
        entry["action"] = "run " + found->source.label + " once to refresh it, or `jcode login --provider " + info.id + "`";
      else if (expired)
        entry["action"] = "refreshed automatically on next use";
      else
        entry["action"] = "";
    } else {
      entry["configured"] = false;
      bool untrusted = false;
      std::string unchecked;
      for (const auto& t : trace) {
        untrusted = untrusted || t.state == "untrusted";
        if (t.state == "unchecked" && unchecked.empty()) unchecked = t.source.label;
      }
      entry["action"] = !unchecked.empty()
                            ? unchecked + " is checked only when used: run `jcode --provider " + info.id + " auth-test`"
                        : untrusted ? "another tool's credentials were found: approve with `jcode auth trust add <source-id> <path>` or log in with `jcode login --provider " + info.id + "`"
                                  : "run `jcode login --provider " + info.id + "`";
      if (found.status() != JCODE_E_AUTH_REQUIRED) entry["error"] = found.error().message;
    }
    out.push_back(entry);
  }
  if (ctx.global().json) {
    std::cout << out.dump(2) << "\n";
    return exit_ok;
  }
  for (const auto& e : out) {
    std::cout << e["name"].get<std::string>() << " (" << e["provider"].get<std::string>() << "): ";
    if (e.value("configured", false)) {
      std::cout << e["kind"].get<std::string>() << " from " << e["source_label"].get<std::string>();
      if (e.contains("email")) std::cout << " as " << e["email"].get<std::string>();
      if (!e["expires_at_ms"].is_null())
        std::cout << (e["expired"].get<bool>() ? ", expired " : ", expires ") << when(e["expires_at_ms"].get<int64_t>());
      std::cout << "\n    " << e["path"].get<std::string>() << "\n";
    } else {
      std::cout << "not configured\n";
    }
    if (e.contains("error")) std::cout << "    error: " << e["error"].get<std::string>() << "\n";
    if (!e["action"].get<std::string>().empty()) std::cout << "    → " << e["action"].get<std::string>() << "\n";
  }
  return exit_ok;
}

}  // namespace jcode::cli
