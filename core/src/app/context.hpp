// What a command needs, built lazily so `jcode --version` or a failing parse costs nothing:
// the config file, the host services given to plugins, the plugin registry. Lives below the
// command line (jcode::cli) so that the services and provider selection, which need it,
// never include the CLI.
#pragma once

#include <jcode/config/config.hpp>
#include <jcode/error.hpp>
#include <jcode/paths/env.hpp>
#include <jcode/plugins/registry.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::app {

class Services;

// The options every command shares (the CLI fills them from its global flags).
struct GlobalOptions {
  std::string provider;          // --provider / -p ("" = auto)
  std::string provider_profile;  // --provider-profile
  std::string model;             // --model / -m
  bool json = false;             // --json
  int verbose = 0;               // -v, repeatable
};

class Context {
 public:
  explicit Context(GlobalOptions global, const paths::Env& env = paths::process_env());
  ~Context();

  const GlobalOptions& global() const { return global_; }
  // The command line is parsed after plugins were discovered for `jcode login`.
  void set_global(GlobalOptions global) { global_ = std::move(global); }
  const paths::Env& env() const { return env_; }

  // config.toml; an unreadable or malformed file is an error naming it (never rewritten).
  Result<config::Config*> config();
  // Discovered plugins (entry points run; no create()).
  Result<plugins::Registry*> registry();
  Services& services();
  // $JCODE_HOME or ~/.jcode.
  Result<std::filesystem::path> jcode_home() const;

 private:
  GlobalOptions global_;
  const paths::Env& env_;
  std::optional<Result<config::Config>> config_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<plugins::Registry> registry_;
};

}  // namespace jcode::app
