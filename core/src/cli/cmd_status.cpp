// jcode auth status: every installed provider, whether it is configured, from where, what
// kind, until when, and what to do. Reads files only: no network, no prompts, no commands —
// with --probe, approved commands and the providers' own checks run too (still no prompts).
#include "../app/provider_auth.hpp"
#include "../app/services.hpp"
#include "commands.hpp"

#include <jcode/auth/discovery.hpp>
#include <jcode/cli/exit_codes.hpp>

#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace jcode::cli {
namespace {

std::string when(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

}  // namespace

int cmd_auth_status(app::Context& ctx, bool probe) {
  auto reg = ctx.registry();
  if (!reg) return fail(reg.error());
  std::vector<auth::ProviderStatus> rows;
  std::vector<std::string> libraries;  // per row: the catalogue file serving it ("" = its own)
  for (const auto& p : (*reg)->plugins()) {
    const auto& info = p->info();
    if (info.sources.empty()) continue;
    libraries.push_back(info.profile ? std::string() : info.library_id);
    auto failed = [&](const Error& e) {
      auth::ProviderStatus s;
      s.provider = info.id;
      s.display_name = info.display_name;
      s.status = "not_configured";
      s.action = e.message;
      rows.push_back(std::move(s));
    };
    auto inst = (*reg)->instance(info.id);
    if (!inst) {
      failed(inst.error());
      continue;
    }
    app::ProviderAuth pa(ctx, **inst);
    auto d = pa.discover(false, false, /*probe_only=*/true, probe);
    if (!d) {
      failed(d.error());
      continue;
    }
    rows.push_back(auth::summarize_status(info.id, info.display_name, *d, ctx.services().now_ms(info.id)));
  }
  if (ctx.global().json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) out.push_back(r.to_json());
    std::cout << out.dump(2) << "\n";
    return exit_ok;
  }
  // A catalogue's rows that are not set up would bury the rest: one line for them.
  std::map<std::string, std::vector<std::string>> idle;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (!libraries[i].empty() && r.status == "not_configured") {
      idle[libraries[i]].push_back(r.provider);
      continue;
    }
    std::cout << r.display_name << " (" << r.provider << "): ";
    if (r.status == "not_configured") {
      std::cout << "not configured\n";
    } else if (r.status == "malformed") {
      std::cout << "not usable: its own file is corrupt\n";
    } else {
      std::cout << r.kind << " from " << r.source_label;
      if (r.expires_at_ms) std::cout << (r.status == "expired" ? ", expired " : ", expires ") << when(r.expires_at_ms);
      std::cout << "\n";
    }
    if (!r.action.empty()) std::cout << "    → " << r.action << "\n";
  }
  for (const auto& [library, ids] : idle) {
    std::cout << ids.size() << " more provider" << (ids.size() == 1 ? "" : "s") << " of " << library
              << " not configured:";
    for (size_t i = 0; i < ids.size(); ++i) std::cout << (i ? ", " : " ") << ids[i];
    std::cout << "\n    → `jcode login --provider <id>` sets one up; `jcode provider list` describes them\n";
  }
  return exit_ok;
}

}  // namespace jcode::cli
