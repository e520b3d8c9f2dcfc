// jcode auth trust … and jcode auth refresh: scripted consent and a forced token refresh.
#include "../app/provider_auth.hpp"
#include "commands.hpp"

#include <jcode/auth/consent.hpp>
#include <jcode/cli/exit_codes.hpp>
#include <jcode/config/config.hpp>
#include <jcode/log/log.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

namespace jcode::cli {
namespace {

// `auth trust add` records consent for a source some installed provider declares: another
// tool's file (with a path) or another tool's command (without). Anything else would be a
// record nothing ever reads; say which ids exist instead.
Status check_trustable(app::Context& ctx, const std::string& source_id, bool with_path) {
  auto reg = ctx.registry();
  if (!reg) return reg.error();
  const auto wanted = with_path ? model::SourceKind::external_file : model::SourceKind::command;
  std::vector<std::string> ids;
  for (const auto& p : (*reg)->plugins())
    for (const auto& s : p->info().sources) {
      if (s.kind != wanted) continue;
      if (s.id == source_id) return {};
      if (std::find(ids.begin(), ids.end(), s.id) == ids.end()) ids.push_back(s.id);
    }
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
  return Error{JCODE_E_INVALID_ARG,
               "no installed provider reads a source '" + source_id + "'" +
                   (with_path ? " from a file" : " from a command") + "; " +
                   (list.empty() ? std::string("none is declared") : "known ids: " + list) +
                   " (`jcode plugins info <provider>` lists each provider's sources). Nothing was changed"};
}

}  // namespace

int cmd_auth_trust(app::Context& ctx, const TrustOptions& opt) {
  auto cfg_path = config::Config::default_path(ctx.env());
  if (!cfg_path) return fail(cfg_path.error());
  auth::Consent consent(*cfg_path, ctx.env());
  if (opt.action == "list") {
    auto entries = consent.list();
    if (!entries) return fail(entries.error());
    if (ctx.global().json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : *entries) {
        auto bar = e.find('|');
        out.push_back(bar == std::string::npos
                          ? nlohmann::json{{"source_id", e}, {"path", nullptr}}
                          : nlohmann::json{{"source_id", e.substr(0, bar)}, {"path", e.substr(bar + 1)}});
      }
      std::cout << out.dump(2) << "\n";
    } else if (entries->empty()) {
      std::cout << "No other tool's credentials are trusted.\n";
    } else {
      for (const auto& e : *entries) std::cout << e << "\n";
    }
    return exit_ok;
  }
  if (opt.source_id.empty())
    return fail(Error{JCODE_E_INVALID_ARG, "jcode auth trust " + opt.action + " needs <source-id> <path>"});
  if (opt.action == "add")
    if (auto st = check_trustable(ctx, opt.source_id, !opt.path.empty()); !st) return fail(st.error());
  if (opt.action == "add" && opt.path.empty()) {
    // A source without a file (another tool's command, e.g. `gh auth token`): trusted by id.
    if (auto st = consent.trust_command(opt.source_id); !st) return fail(st.error());
    if (ctx.global().json)
      std::cout << nlohmann::json{{"status", "trusted"}, {"source_id", opt.source_id}, {"path", nullptr}}.dump() << "\n";
    else
      std::cerr << "Trusted " << opt.source_id << ".\n";
    return exit_ok;
  }
  if (opt.action == "revoke" && opt.path.empty()) {
    auto removed = consent.revoke_command(opt.source_id);
    if (!removed) return fail(removed.error());
    if (ctx.global().json)
      std::cout << nlohmann::json{{"status", *removed ? "revoked" : "not_trusted"}, {"source_id", opt.source_id}}.dump() << "\n";
    else
      std::cerr << (*removed ? "Revoked trust in " : "Was not trusted: ") << opt.source_id << "\n";
    return exit_ok;
  }
  if (opt.action == "add") {
    auto canonical = consent.trust(opt.source_id, opt.path);
    if (!canonical) return fail(canonical.error());
    if (ctx.global().json)
      std::cout << nlohmann::json{{"status", "trusted"}, {"source_id", opt.source_id}, {"path", canonical->string()}}.dump() << "\n";
    else
      std::cerr << "Trusted " << opt.source_id << " at " << canonical->string()
                << ". jcode will read it in place and never modify it.\n";
    return exit_ok;
  }
  if (opt.action == "revoke") {
    auto removed = consent.revoke(opt.source_id, opt.path);
    if (!removed) return fail(removed.error());
    if (ctx.global().json)
      std::cout << nlohmann::json{{"status", *removed ? "revoked" : "not_trusted"}, {"source_id", opt.source_id}}.dump() << "\n";
    else
      std::cerr << (*removed ? "Revoked trust in " : "Was not trusted: ") << opt.source_id << " " << opt.path << "\n";
    return exit_ok;
  }
  return fail(Error{JCODE_E_INVALID_ARG, "unknown action '" + opt.action + "': use list, add or revoke"});
}

int cmd_auth_refresh(app::Context& ctx, const AuthRefreshOptions& opt) {
  std::string id = !opt.provider.empty() ? opt.provider : ctx.global().provider;
  if (id.empty()) return fail(Error{JCODE_E_INVALID_ARG, "name the provider: jcode auth refresh --provider <id>"});
  auto reg = ctx.registry();
  if (!reg) return fail(reg.error());
  auto plugin = (*reg)->instance(id);
  if (!plugin) return fail(plugin.error());
  app::ProviderAuth pa(ctx, **plugin);
  auto target = pa.login_target();
  if (!target) return fail(target.error());
  auto current = pa.load(*target);
  if (!current) return fail(current.error());
  if (!*current)
    return fail(Error{JCODE_E_AUTH_REQUIRED, "jcode holds no " + pa.info().display_name +
                                                     " login to refresh; run `jcode login --provider " + id + "`"});
  auto r = pa.refresh(*target, **current, /*force=*/true);
  if (!r) return fail(r.error());
  if (ctx.global().json) {
    nlohmann::json j{{"status", "refreshed"}, {"provider", id}, {"refreshed", r->refreshed}, {"adopted", r->adopted}};
    j["expires_at_ms"] = r->credential.expires_at_ms ? nlohmann::json(r->credential.expires_at_ms) : nlohmann::json();
    std::cout << j.dump() << "\n";
  } else {
    if (r->adopted) log::info("another jcode process had just refreshed the " + pa.info().display_name + " login; using its tokens");
    std::cerr << "Refreshed the " << pa.info().display_name << " login.\n";
  }
  return exit_ok;
}

}  // namespace jcode::cli
