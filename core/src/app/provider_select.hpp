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
  // The model to ask when -m/--model is not given: [provider] default_model, when the
  // provider is the config's default_provider; empty = the provider's own default.
  std::string model;
};

Result<SelectedProvider> select_provider(Context& ctx);

// When `name` is another plugin's alias (ABI 1.1, e.g. a deprecated id), replaces it with
// that plugin's id and sets the environment the alias asks for; a deprecated alias warns
// once. Unknown names are left alone (the later lookup says they are not installed).
Status apply_alias(Context& ctx, std::string& name);

// Selection for one named plugin (auth-test loops over several). `found`: a credential the
// caller already discovered for it, so the sources are not walked (or consent asked) twice.
Result<SelectedProvider> select_named_provider(Context& ctx, const std::string& id, bool explicit_choice,
                                               std::optional<auth::Discovered> found = std::nullopt);

}  // namespace jcode::app
