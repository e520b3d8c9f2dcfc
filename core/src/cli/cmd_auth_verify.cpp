// jcode auth-test: proves a provider works end to end — credential discovery, a refresh or
// auth probe, a plain smoke prompt, and a tool smoke through the same path as `jcode run`.
#include "../app/provider_auth.hpp"
#include "../app/provider_select.hpp"
#include "../app/services.hpp"
#include "commands.hpp"

#include <jcode/agent/run.hpp>
#include <jcode/auth/io.hpp>
#include <jcode/auth/refresh.hpp>
#include <jcode/cli/exit_codes.hpp>
#include <jcode/fs/fs.hpp>
#include <jcode/log/log.hpp>
#include <jcode/paths/paths.hpp>
#include <jcode/text/text.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>

namespace jcode::cli {
namespace {

constexpr const char* kSmokePrompt = "Reply with exactly AUTH_TEST_OK and nothing else. Do not call tools.";
constexpr const char* kToolPrompt =
    "Use exactly one bash tool call with command exactly `echo JCODE_TOOL_OK`. After you see the tool result, "
    "reply with exactly AUTH_TEST_OK and nothing else.";

struct Step {
  std::string name;
  bool ok = false;
  bool skipped = false;
  std::string detail;
  int64_t ms = -1;  // how long the step took; set by Report::add
};

struct Report {
  std::chrono::steady_clock::time_point mark = std::chrono::steady_clock::now();
  std::string provider;
  std::vector<std::string> credential_paths;
  std::vector<Step> steps;
  std::optional<std::string> smoke_output, tool_smoke_output;
  // Steps are pushed as they finish: each one's time is measured since the previous one.
  void add(Step s) {
    auto now = std::chrono::steady_clock::now();
    s.ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - mark).count();
    mark = now;
    steps.push_back(std::move(s));
  }
  bool success() const {
    for (const auto& s : steps)
      if (!s.ok && !s.skipped) return false;
    return !steps.empty();
  }
  nlohmann::json to_json() const {
    nlohmann::json st = nlohmann::json::array();
    for (const auto& s : steps)
      st.push_back({{"name", s.name}, {"ok", s.ok}, {"skipped", s.skipped}, {"detail", s.detail}, {"ms", s.ms}});
    nlohmann::json j{{"provider", provider}, {"credential_paths", credential_paths}, {"steps", st}, {"success", success()}};
    j["smoke_output"] = smoke_output ? nlohmann::json(*smoke_output) : nlohmann::json();
    j["tool_smoke_output"] = tool_smoke_output ? nlohmann::json(*tool_smoke_output) : nlohmann::json();
    return j;
  }
};

Report test_one(app::Context& ctx, const std::string& id, const AuthTestOptions& opt, bool explicit_choice) {
  Report rep;
  rep.provider = id;
  auto reg = ctx.registry();
  if (!reg) {
    rep.add({"credential_probe", false, false, reg.error().message});
    return rep;
  }
  auto plugin = (*reg)->instance(id);
  if (!plugin) {
    rep.add({"credential_probe", false, false, plugin.error().message});
    return rep;
  }
  const auto& info = (*plugin)->info();
  if (opt.login) {
    LoginOptions lo;
    lo.provider = id;
    lo.require_complete = true;
    int rc = cmd_login(ctx, lo);
    rep.add({"login", rc == 0, false, rc == 0 ? "logged in" : "login failed (exit " + std::to_string(rc) + ")"});
    if (rc != 0) return rep;
  }

  // 1. credential discovery
  app::ProviderAuth pa(ctx, **plugin);
  std::optional<auth::Discovered> found;
  if (!info.sources.empty()) {
    auto f = pa.acquire(explicit_choice, !info.credential_optional);
    if (!f && info.credential_optional && f.error().status == JCODE_E_AUTH_REQUIRED) {
      rep.add({"credential_probe", true, true, "Skipped: no key found, and " + info.display_name + " may need none"});
    } else if (!f) {
      rep.add({"credential_probe", false, false, f.error().message});
      return rep;
    } else {
    found = *f;
    rep.credential_paths.push_back(f->where);
    const model::Credential& c = f->credential;
    std::string kind = c.kind == model::CredentialKind::api_key  ? "API key"
                       : c.kind == model::CredentialKind::bearer ? "bearer token"
                       : c.kind == model::CredentialKind::session ? "CLI session"
                                                                  : "OAuth";
    // Plugins that resolve a credential chain (Azure Entra) name the link that answered.
    std::string via;
    auto extra = nlohmann::json::parse(c.extra, nullptr, false);
    if (extra.is_object() && extra.contains("credential") && extra["credential"].is_string())
      via = " via " + extra["credential"].get<std::string>();
    rep.add({"credential_probe", true, false, kind + " from " + f->source.label + via + " (" + f->where + ")"});
    }
  } else {
    rep.add({"credential_probe", true, true, "Skipped: the provider needs no stored credential"});
  }

  // 2. refresh/auth probe: own OAuth tokens are refreshed for real; another tool's tokens
  // are only checked (refreshing them would log that tool out).
  if (found && found->credential.kind == model::CredentialKind::oauth && info.login && info.login->oauth) {
    bool own = found->source.kind == model::SourceKind::jcode_file;
    int64_t now = ctx.services().now_ms(id);
    if (own) {
      auto r = pa.refresh(found->source, found->credential, /*force=*/true);
      if (!r) {
        rep.add({"refresh_probe", false, false, r.error().message});
        return rep;
      }
      found->credential = r->credential;
      rep.add({"refresh_probe", true, false, r->adopted ? "adopted a token refreshed by another process" : "refreshed"});
    } else if (found->source.kind == model::SourceKind::plugin && !auth::is_expired(found->credential, now)) {
      // The plugin resolved it from its own store and refreshed it there when it was stale.
      rep.add({"refresh_probe", true, false, "valid: " + found->source.label + " is refreshed by the plugin when stale"});
    } else if (auth::is_expired(found->credential, now)) {
      rep.add({"refresh_probe", false, false,
                           "the token from " + found->source.label + " has expired; jcode does not refresh another tool's "
                           "login — run that tool once, or `jcode login --provider " + id + "`"});
      return rep;
    } else {
      rep.add({"refresh_probe", true, true, "Skipped: " + found->source.label + "'s token is not jcode's to refresh (valid)"});
    }
  } else {
    rep.add({"refresh_probe", true, true, "Skipped: nothing to refresh"});
  }

  if (!info.transport) {
    rep.add({"provider_smoke", true, true, "Skipped: not a model provider"});
    return rep;
  }
  if (opt.no_smoke) return rep;

  auto selected = app::select_named_provider(ctx, id, explicit_choice, found);
  if (!selected) {
    rep.add({"provider_smoke", false, false, selected.error().message});
    return rep;
  }
  // 3. plain smoke
  {
    agent::Conversation conv;
    conv.add_user_text(kSmokePrompt);
    agent::Options ao;
    ao.only_tools = std::vector<std::string>{};
    ao.model = ctx.global().model.empty() ? selected->model : ctx.global().model;
    ao.cancelled = [] { return auth::cancel_requested(); };
    auto r = agent::run_turns(*selected->plugin, selected->credentials, conv, ao);
    if (!r) {
      rep.add({"provider_smoke", false, false, r.error().message});
      return rep;
    }
    rep.smoke_output = r->final_text;
    bool ok = text::trim(r->final_text).find("AUTH_TEST_OK") != std::string::npos;
    rep.add({"provider_smoke", ok, false, ok ? "answered AUTH_TEST_OK" : "unexpected answer: " + text::trim(r->final_text).substr(0, 200)});
    if (!ok) return rep;
  }
  // 4. tool smoke through the tool-attached path
  if (opt.no_tool_smoke) return rep;
  // A CLI session credential: a local CLI answers and runs its own tools, jcode's are not offered.
  const bool cli_session = found && found->credential.kind == model::CredentialKind::session;
  if (!info.transport->tools() || cli_session) {
    rep.add({"tool_smoke", true, true, "Skipped: " + info.display_name + " runs tools itself (text only here)"});
    return rep;
  }
  agent::Conversation conv;
  conv.add_user_text(kToolPrompt);
  agent::Options ao;
  ao.only_tools = std::vector<std::string>{"bash"};
  ao.model = ctx.global().model.empty() ? selected->model : ctx.global().model;
  ao.cancelled = [] { return auth::cancel_requested(); };
  // Only the exact smoke command may run.
  ao.ask_permission = [](const agent_tools::Tool&, const nlohmann::json& input) {
    bool exact = input.is_object() && input.value("command", std::string()) == "echo JCODE_TOOL_OK";
    return exact ? agent::Permission::allow_once : agent::Permission::deny;
  };
  auto r = agent::run_turns(*selected->plugin, selected->credentials, conv, ao);
  if (!r) {
    rep.add({"tool_smoke", false, false, r.error().message});
    return rep;
  }
  rep.tool_smoke_output = r->final_text;
  std::string problem;
  if (r->tool_calls.size() != 1) problem = "expected exactly one tool call, got " + std::to_string(r->tool_calls.size());
  else {
    const auto& call = r->tool_calls[0];
    if (call.name != "bash") problem = "the tool called was " + call.name + ", not bash";
    else if (call.id.empty()) problem = "the tool call has no id";
    else if (!call.valid_input || call.input.value("command", std::string()) != "echo JCODE_TOOL_OK")
      problem = "the bash command was not exactly `echo JCODE_TOOL_OK`";
    else if (call.is_error || call.output.find("JCODE_TOOL_OK") == std::string::npos)
      problem = "the tool result did not contain JCODE_TOOL_OK";
    else if (text::trim(r->final_text) != "AUTH_TEST_OK")
      problem = "the final answer was not exactly AUTH_TEST_OK: " + text::trim(r->final_text).substr(0, 200);
  }
  rep.add({"tool_smoke", problem.empty(), false, problem.empty() ? "bash ran echo JCODE_TOOL_OK; final answer AUTH_TEST_OK" : problem});
  return rep;
}

void print_text(const Report& r) {
  std::cout << "=== auth-test: " << r.provider << " ===\n";
  for (const auto& p : r.credential_paths) std::cout << "credentials: " << p << "\n";
  for (const auto& s : r.steps)
    std::cout << (s.skipped ? "- " : s.ok ? "✓ " : "✗ ") << s.name << " (" << s.ms << " ms) — " << s.detail << "\n";
  if (r.smoke_output) std::cout << "smoke output: " << text::trim(*r.smoke_output) << "\n";
  if (r.tool_smoke_output) std::cout << "tool smoke output: " << text::trim(*r.tool_smoke_output) << "\n";
  std::cout << "result: " << (r.success() ? "PASS" : "FAIL") << "\n";
}

// ~/.jcode/auth-validation.json: the last result per provider.
void record(app::Context& ctx, const Report& r) {
  auto home = ctx.jcode_home();
  if (!home) return;
  auto path = *home / "auth-validation.json";
  nlohmann::json doc = nlohmann::json::object();
  if (auto cur = fs::read_file(path, 1 << 20); cur) {
    auto j = nlohmann::json::parse(*cur, nullptr, false);
    if (j.is_object()) doc = j;
  }
  std::string summary;
  for (const auto& s : r.steps)
    if (!s.ok && !s.skipped && summary.empty()) summary = s.name + ": " + s.detail;
  if (summary.empty() && !r.steps.empty()) summary = r.steps.back().name + ": " + r.steps.back().detail;
  bool smoke = false, tool = false;
  for (const auto& s : r.steps) {
    if (s.name == "provider_smoke") smoke = s.ok && !s.skipped;
    if (s.name == "tool_smoke") tool = s.ok && !s.skipped;
  }
  doc[r.provider] = {{"checked_at_ms", ctx.services().now_ms(r.provider)}, {"success", r.success()},
                     {"provider_smoke_ok", smoke}, {"tool_smoke_ok", tool}, {"summary", summary.substr(0, 240)}};
  Status st = fs::ensure_private_dir(*home);
  if (st) st = fs::atomic_write(path, doc.dump(2) + "\n");
  if (!st) log::warn("the result was not recorded in " + path.string() + ": " + st.error().message);
}

// --output takes a report file, nothing else: not jcode's own files (a login would be
// destroyed), not another tool's file, not a directory that does not exist yet.
Status check_output_path(const std::string& out, const paths::Env& env) {
  namespace stdfs = std::filesystem;
  if (out.empty()) return Error{JCODE_E_INVALID_ARG, "--output is empty; name the file to write the JSON report to"};
  stdfs::path p(out);
  std::error_code ec;
  stdfs::path parent = p.parent_path().empty() ? stdfs::path(".") : p.parent_path();
  if (p.filename().empty() || p.filename() == "." || p.filename() == "..")
    return Error{JCODE_E_INVALID_ARG, "--output " + out + ": not a file name"};
  if (!stdfs::is_directory(parent, ec))
    return Error{JCODE_E_INVALID_ARG, "--output " + out + ": the directory " + parent.string() +
                                          " does not exist (jcode does not create it); create it first or pick another path"};
  const stdfs::path target = stdfs::weakly_canonical(p, ec);
  for (auto dir : {paths::jcode_home(env), paths::app_config_dir(env)}) {
    if (!dir) continue;
    const stdfs::path d = stdfs::weakly_canonical(*dir, ec);
    auto rel = target.lexically_relative(d);
    if (!rel.empty() && *rel.begin() != "..")
      return Error{JCODE_E_INVALID_ARG, "--output " + out + " is inside " + dir->string() +
                                            ", where jcode keeps its logins and settings; write the report elsewhere"};
  }
  if (stdfs::exists(stdfs::symlink_status(p, ec))) {
    // Only a previous report (a JSON array of provider results) may be replaced.
    auto text = fs::read_file(p, 1 << 20);
    auto j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    bool report = j.is_array();
    for (const auto& r : j) report = report && r.is_object() && r.contains("provider") && r.contains("steps");
    if (!report || stdfs::is_symlink(stdfs::symlink_status(p, ec)))
      return Error{JCODE_E_INVALID_ARG, "--output " + out + " exists and is not an earlier auth-test report; "
                                            "refusing to overwrite it (pick a new file name)"};
  }
  return {};
}

}  // namespace

int cmd_auth_verify(app::Context& ctx, const AuthTestOptions& opt) {
  if (opt.output)
    if (auto st = check_output_path(*opt.output, ctx.env()); !st) return fail(st.error());
  std::vector<std::string> ids;
  bool explicit_choice = !ctx.global().provider.empty();
  if (opt.all_configured || ctx.global().provider.empty()) {
    auto reg = ctx.registry();
    if (!reg) return fail(reg.error());
    for (const auto& p : (*reg)->plugins()) {
      if (p->info().sources.empty()) continue;
      auto inst = (*reg)->instance(p->id());
      if (!inst) continue;
      app::ProviderAuth pa(ctx, **inst);
      if (pa.acquire(false, false)) ids.push_back(p->id());
    }
    if (ids.empty())
      return fail(Error{JCODE_E_AUTH_REQUIRED, "no provider is configured; log in with `jcode login --provider <id>`"});
  } else {
    // A provider that is not installed is "not found" (exit 5), not a failed test (exit 1).
    auto reg = ctx.registry();
    if (!reg) return fail(reg.error());
    if (!(*reg)->find(ctx.global().provider)) return fail((*reg)->not_found(ctx.global().provider));
    ids.push_back(ctx.global().provider);  // an alias was already resolved to its plugin
  }
  std::vector<Report> reports;
  for (const auto& id : ids) {
    reports.push_back(test_one(ctx, id, opt, explicit_choice));
    record(ctx, reports.back());
    if (!ctx.global().json) print_text(reports.back());
  }
  nlohmann::json all = nlohmann::json::array();
  for (const auto& r : reports) all.push_back(r.to_json());
  if (ctx.global().json) std::cout << all.dump(2) << "\n";
  if (opt.output) {
    if (auto st = fs::atomic_write(*opt.output, all.dump(2) + "\n", 0644); !st) return fail(st.error());
  }
  for (const auto& r : reports)
    if (!r.success()) return exit_failure;
  return exit_ok;
}

}  // namespace jcode::cli
