// Which provider answers a prompt, and with which credential: --provider (or the config's
// default, or the first provider with a usable credential), discovery in the plugin's
// declared order, refresh when due and once more after a 401.
#pragma once

#include "context.hpp"

#include <jcode/agent/run.hpp>
#include <jcode/auth/discovery.hpp>
#include <jcode/error.hpp>
#include <jcode/plugins/registry.hpp>

#include <memory>
#include <optional>
#include <string>

namespace jcode::app {

struct SelectedProvider {
  plugins::Plugin* plugin = nullptr;
  agent::CredentialProvider credentials;  // unset: the plugin sends without one
  std::string source_label;               // where the credential came from ("" when none)
  std::string source_path;
};

Result<SelectedProvider> select_provider(Context& ctx);

// The deprecated Claude Code CLI transport is on (JCODE_USE_CLAUDE_CLI=1, or the hidden
// --provider claude-subprocess): the claude plugin then uses the CLI's own login.
bool claude_cli_mode(const Context& ctx, const std::string& id);

// Selection for one named plugin (auth-test loops over several). `found`: a credential the
// caller already discovered for it, so the sources are not walked (or consent asked) twice.
Result<SelectedProvider> select_named_provider(Context& ctx, const std::string& id, bool explicit_choice,
                                               std::optional<auth::Discovered> found = std::nullopt);

}  // namespace jcode::app
