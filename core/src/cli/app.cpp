// The command line: the one translation unit that compiles CLI11. It only parses into the
// plain option structs of options.hpp and dispatches to commands.hpp.
#include "commands.hpp"
#include "context.hpp"
#include "options.hpp"

#include <jcode/cli/exit_codes.hpp>
#include <jcode/cli/main.hpp>
#include <jcode/log/log.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>
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

int main(int argc, char** argv) {
  GlobalOptions global;
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

  std::function<int(Context&)> action;

  // jcode plugins list|info
  auto* plugins = app.add_subcommand("plugins", "Installed provider plugins");
  plugins->require_subcommand(1);
  PluginsListOptions plugins_list;
  auto* list = plugins->add_subcommand("list", "List loaded plugins and skipped files with the reason");
  list->add_flag("--verbose", plugins_list.verbose, "Also show search directories and timings");
  list->callback([&] { action = [&](Context& c) { return cmd_plugins_list(c, plugins_list); }; });
  PluginsInfoOptions plugins_info;
  auto* info = plugins->add_subcommand("info", "Roles, endpoints and credential sources of one plugin");
  info->add_option("id", plugins_info.id, "Plugin id")->required();
  info->callback([&] { action = [&](Context& c) { return cmd_plugins_info(c, plugins_info); }; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "jcode: " << e.what() << "\n" << "Run 'jcode --help' for usage.\n";
    return exit_usage;
  }
  if (!action) return exit_usage;
  log::Logger::global().set_verbosity(global.verbose);
  Context ctx(global);
  return action(ctx);
}

}  // namespace jcode::cli
