// The command line: the one translation unit that compiles CLI11. It only parses into the
// plain option structs of options.hpp and dispatches to commands.hpp.
#include "../app/context.hpp"
#include "commands.hpp"
#include "options.hpp"
#include "../app/provider_select.hpp"

#include <jcode/cli/exit_codes.hpp>
#include <jcode/cli/main.hpp>
#include <jcode/log/log.hpp>
#include <jcode/text/text.hpp>

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>
#include <iostream>

#ifndef JCODE_VERSION
#define JCODE_VERSION "0.0.0"
#endif

namespace jcode::cli {
namespace {

std::string version_text() {
  return std::string("jcode ") + JCODE_VERSION + " (plugin ABI " + std::to_string(JCODE_ABI_MAJOR) +
         "." + std::to_string(JCODE_ABI_MINOR) + ")";
}

}  // namespace

// A process started with stdin/stdout/stderr closed would hand those numbers to the next
// file it opens (a credential file, a lock, a socket) and later write output into it.
static void ensure_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int null_fd = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (null_fd >= 0 && null_fd != fd) {
      ::dup2(null_fd, fd);
      ::close(null_fd);
    }
  }
}


namespace {

// "jcode bogus" / "jcode runn hi": CLI11 says only that a subcommand is required. Find the
// first word that is not a global option (or its value) and, if it names no command, say so
// with the closest one.
std::optional<std::string> unknown_command(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") return std::nullopt;
    if (!a.empty() && a[0] == '-') {
      // An option given as "--provider X" (not "--provider=X") consumes the next word.
      for (const auto* o : app.get_options())
        if (o->get_items_expected_min() > 0 && o->check_name(std::string(a))) ++i;
      continue;
    }
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      if (sub->get_name() == a) return std::nullopt;
      names.push_back(sub->get_name());
    }
    const std::string best = text::closest(a, names, 2);
    std::string msg = "unknown command '" + std::string(a) + "'";
    if (!best.empty()) msg += "; did you mean '" + best + "'?";
    return msg;
  }
  return std::nullopt;
}

}  // namespace

// `jcode --version --verbose`: the host, the ABI it offers and every plugin it loads, with the
// ABI each negotiated — what a bug report or a packager needs.
static int print_versions() {
  std::cout << version_text() << "\n";
  app::Context ctx(app::GlobalOptions{});
  auto reg = ctx.registry();
  if (!reg) return fail(reg.error());
  std::cout << "plugins:\n";
  for (const auto& p : (*reg)->plugins()) {
    const auto& i = p->info();
    std::cout << "  " << i.id << " " << i.version << " (ABI " << i.abi_major << "." << i.abi_minor << ", " << i.origin
              << ": " << i.path.string() << ")\n";
  }
  if (!(*reg)->skipped().empty()) std::cout << "skipped: " << (*reg)->skipped().size() << " (see `jcode plugins list`)\n";
  return exit_ok;
}

int main(int argc, char** argv) {
  ensure_standard_fds();
  {
    // CLI11 answers --version by itself, before any other flag is seen.
    bool version = false, verbose = false;
    for (int i = 1; i < argc; ++i) {
      const std::string_view a = argv[i];
      if (a == "--") break;
      version = version || a == "--version";
      verbose = verbose || a == "--verbose" || (a.size() >= 2 && a[0] == '-' && a[1] == 'v' &&
                                                a.find_first_not_of('v', 1) == std::string_view::npos);
    }
    if (version && verbose) return print_versions();
  }
  app::GlobalOptions global;
  CLI::App app{"jcode: log in to LLM providers and talk to them.", "jcode"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  // Global options may also follow the subcommand (`jcode auth status --json`).
  app.fallthrough();
  app.add_option("-p,--provider", global.provider, "Provider id (default: auto-detect)");
  app.add_option("--provider-profile", global.provider_profile, "Named profile from [providers.<name>] in config.toml");
  app.add_option("-m,--model", global.model, "Model to use");
  app.add_flag("--json", global.json, "Machine-readable output");
  app.add_flag("-v,--verbose", global.verbose, "More output (repeat for debug logs)");

  std::function<int(app::Context&)> action;

  // jcode plugins list|info
  auto* plugins = app.add_subcommand("plugins", "Installed provider plugins");
  plugins->require_subcommand(1);
  PluginsListOptions plugins_list;
  auto* list = plugins->add_subcommand("list", "List loaded plugins and skipped files with the reason");
  list->add_flag("--verbose", plugins_list.verbose, "Also show search directories and timings");
  list->callback([&] { action = [&](app::Context& c) { return cmd_plugins_list(c, plugins_list); }; });
  PluginsInfoOptions plugins_info;
  auto* info = plugins->add_subcommand("info", "Roles, endpoints and credential sources of one plugin");
  info->add_option("id", plugins_info.id, "Plugin id")->required();
  info->callback([&] { action = [&](app::Context& c) { return cmd_plugins_info(c, plugins_info); }; });

  // jcode login [PROVIDER] — the providers' own options (Azure's --endpoint …) are added
  // from the plugins' declarations, so plugins are discovered before parsing, only here.
  LoginOptions login;
  std::optional<app::Context> early;
  auto* login_cmd = app.add_subcommand("login", "Log in to a provider");
  login_cmd->add_option("provider", login.provider, "Provider id (or --provider)");
  login_cmd->add_flag("--no-browser", login.no_browser, "Do not open a browser; print the URL (and a QR code)");
  login_cmd->add_flag("--print-auth-url", login.print_auth_url,
                      "Scriptable: print the URL, save pending state, exit; finish later with --callback-url, --auth-code or --complete");
  login_cmd->add_option("--callback-url", login.callback_url, "Finish a pending login with the callback URL or its query ('-': stdin)");
  login_cmd->add_option("--auth-code", login.auth_code, "Finish a pending login with the code shown by the provider ('-': stdin)");
  login_cmd->add_flag("--complete", login.complete, "Finish a pending device-code login");
  std::map<std::string, std::string> plugin_option_values;
  std::map<std::string, bool> plugin_flag_values;
  bool wants_login = false;
  for (int i = 1; i < argc; ++i) wants_login = wants_login || std::string_view(argv[i]) == "login";
  if (wants_login) {
    early.emplace(global);
    if (auto reg = early->registry()) {
      std::set<std::string> added;
      for (const auto& p : (*reg)->plugins()) {
        if (!p->info().login) continue;
        for (const auto& o : p->info().login->options) {
          if (!added.insert(o.name).second) continue;
          std::string help = o.help + " (" + p->id() + ")";
          if (o.is_flag())
            login_cmd->add_flag("--" + o.name, plugin_flag_values[o.name], help);
          else
            login_cmd->add_option("--" + o.name, plugin_option_values[o.name], help);
        }
      }
    }
  }
  login_cmd->callback([&] {
    for (const auto& [name, value] : plugin_option_values)
      if (login_cmd->count("--" + name) > 0) login.plugin_options[name] = value;
    for (const auto& [name, value] : plugin_flag_values)
      if (value) login.plugin_options[name] = "1";
    action = [&](app::Context& c) { return cmd_login(c, login); };
  });

  LogoutOptions logout;
  auto* logout_cmd = app.add_subcommand("logout", "Remove jcode's own credentials of a provider");
  logout_cmd->add_option("provider", logout.provider, "Provider id (or --provider)");
  logout_cmd->callback([&] { action = [&](app::Context& c) { return cmd_logout(c, logout); }; });

  // jcode auth trust|refresh
  auto* auth_cmd = app.add_subcommand("auth", "Credentials: trust other tools' files, refresh, status");
  auth_cmd->require_subcommand(1);
  TrustOptions trust;
  auto* trust_cmd = auth_cmd->add_subcommand("trust", "Approve or revoke reading another tool's credential file");
  trust_cmd->add_option("action", trust.action, "list | add | revoke")->required()->check(CLI::IsMember({"list", "add", "revoke"}));
  trust_cmd->add_option("source-id", trust.source_id, "Source id (see `jcode plugins info <id>`)");
  trust_cmd->add_option("path", trust.path, "The file");
  trust_cmd->callback([&] { action = [&](app::Context& c) { return cmd_auth_trust(c, trust); }; });
  auto* status_cmd = auth_cmd->add_subcommand("status", "Every provider: configured or not, from where, until when");
  status_cmd->callback([&] { action = [&](app::Context& c) { return cmd_auth_status(c); }; });
  AuthRefreshOptions refresh;
  auto* refresh_cmd = auth_cmd->add_subcommand("refresh", "Refresh the stored OAuth login now");
  refresh_cmd->callback([&] {
    refresh.provider = global.provider;
    action = [&](app::Context& c) { return cmd_auth_refresh(c, refresh); };
  });

  // jcode run "<prompt>"
  RunOptions run;
  std::string allow_tools;
  auto* run_cmd = app.add_subcommand("run", "Send one prompt; the model may call jcode's tools");
  run_cmd->add_option("prompt", run.prompt, "The prompt; - (or none, with stdin not a terminal) reads it from stdin");
  run_cmd->add_flag("--ndjson", run.ndjson, "One JSON event per line");
  run_cmd->add_option("--allow-tools", allow_tools,
                      "Tools that may run without asking (comma list: bash,write,edit,todowrite,task or *)");
  run_cmd->callback([&] {
    if (!allow_tools.empty()) run.allow_tools = {allow_tools};
    action = [&](app::Context& c) { return cmd_run(c, run); };
  });

  // jcode auth-test
  AuthTestOptions auth_test;
  ProviderAddOptions provider_add;
  auto* provider_cmd = app.add_subcommand("provider", "Named provider profiles for Chat Completions APIs");
  provider_cmd->require_subcommand(1);
  auto* plist = provider_cmd->add_subcommand("list", "Installed providers and saved profiles, and whether each is configured");
  plist->callback([&] { action = [&](app::Context& c) { return cmd_provider_list(c); }; });
  auto* padd = provider_cmd->add_subcommand("add", "Save a named Chat Completions API profile to config.toml");
  padd->add_option("name", provider_add.name, "Profile name (letters, digits, '_' or '-')")->required();
  padd->add_option("--base-url,--api-base", provider_add.base_url, "API base, e.g. https://llm.example.com/v1")->required();
  padd->add_option("-m,--model", provider_add.model, "Default model id")->required();
  padd->add_option("--context-window", provider_add.context_window, "The model's context window, in tokens");
  padd->add_option("--api-key-env", provider_add.api_key_env, "Variable that holds the key");
  padd->add_option("--api-key", provider_add.api_key, "Refused: use --api-key-stdin");
  padd->add_flag("--api-key-stdin", provider_add.api_key_stdin, "Read the key from stdin and save it");
  padd->add_flag("--no-api-key", provider_add.no_api_key, "The server needs no key");
  padd->add_option("--auth", provider_add.auth, "bearer (default), api-key or none");
  padd->add_option("--auth-header", provider_add.auth_header, "Header for --auth api-key (default api-key)");
  padd->add_option("--env-file", provider_add.env_file, "Env file name in jcode's config dir (default provider-<name>.env)");
  padd->add_flag("--set-default,--default", provider_add.set_default, "Make it the default provider");
  padd->add_flag("--overwrite", provider_add.overwrite, "Replace an existing profile of that name");
  padd->add_flag("--provider-routing", provider_add.provider_routing, "The API routes between providers (OpenRouter-style)");
  padd->add_flag("--model-catalog", provider_add.model_catalog, "The API lists its models");
  padd->callback([&] { action = [&](app::Context& c) { return cmd_provider_add(c, provider_add); }; });

  auto* at_cmd = app.add_subcommand("auth-test", "Verify a provider end to end: credentials, refresh, smoke prompts");
  at_cmd->add_flag("--login", auth_test.login, "Log in first");
  at_cmd->add_flag("--all-configured", auth_test.all_configured, "Test every provider that has credentials");
  at_cmd->add_flag("--no-tool-smoke", auth_test.no_tool_smoke, "Skip the tool-enabled smoke prompt");
  at_cmd->add_flag("--no-smoke", auth_test.no_smoke, "Only check credentials and refresh");
  at_cmd->add_option("--output", auth_test.output, "Also write the JSON report to this file");
  at_cmd->callback([&] { action = [&](app::Context& c) { return cmd_auth_verify(c, auth_test); }; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (auto unknown = unknown_command(app, argc, argv)) message = *unknown;
    std::cerr << "jcode: " << log::for_terminal(message) << "\n" << "Run 'jcode --help' for usage.\n";
    return exit_usage;
  }
  if (!action) return exit_usage;
  log::Logger::global().set_verbosity(global.verbose);
  // Every command may hold tokens in memory: no core file, no ptrace by other processes.
  if (auto st = log::disable_core_dumps(); !st) log::debug(st.error().message);
  std::optional<app::Context> own;
  app::Context& ctx = early ? *early : own.emplace(global);
  if (!global.provider_profile.empty()) {
    // `jcode provider add` saves profiles, but no installed provider plugin runs them yet:
    // say so instead of ignoring the flag (and name the known ones for a typo).
    auto cfg = ctx.config();
    if (!cfg) return fail(cfg.error());
    const auto names = (*cfg)->provider_names();
    const std::string name = log::for_terminal(global.provider_profile);
    if (std::find(names.begin(), names.end(), global.provider_profile) == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      std::cerr << "jcode: --provider-profile " << name << ": no such profile in " << (*cfg)->path().string() << " ("
                << (known.empty() ? std::string("none saved; add one with `jcode provider add`") : "profiles: " + known)
                << ")\n";
      return exit_usage;
    }
    std::cerr << "jcode: --provider-profile " << name
              << ": this jcode build can save named profiles (`jcode provider add`) but cannot run them yet; use "
                 "--provider <id>\n";
    return exit_usage;
  }
  // A plugin's other name (a deprecated id): the plugin, with the environment it asks for.
  if (auto st = app::apply_alias(ctx, global.provider); !st) return fail(st.error());
  ctx.set_global(global);
  return action(ctx);
}

}  // namespace jcode::cli
