// One function per command. Each returns an exit code (jcode/cli/exit_codes.hpp) and prints
// its own output; errors go to stderr as "jcode: <message>".
#pragma once

#include "../app/context.hpp"
#include "options.hpp"

#include <jcode/error.hpp>

namespace jcode::cli {

// Prints "jcode: <message>" to stderr and returns the exit code for e's status.
int fail(const Error& e);

// What makes typed or piped input unusable as an API key: "a space" or "a control character"
// (a paste accident: two keys, a terminal escape), else nullptr.
const char* api_key_input_problem(std::string_view key);

int cmd_plugins_list(app::Context& ctx, const PluginsListOptions& opt);
int cmd_plugins_info(app::Context& ctx, const PluginsInfoOptions& opt);
int cmd_login(app::Context& ctx, const LoginOptions& opt);
int cmd_logout(app::Context& ctx, const LogoutOptions& opt);
int cmd_auth_trust(app::Context& ctx, const TrustOptions& opt);
int cmd_auth_refresh(app::Context& ctx, const AuthRefreshOptions& opt);
int cmd_run(app::Context& ctx, const RunOptions& opt);
int cmd_auth_status(app::Context& ctx, bool probe);
// `jcode auth-test`; "verify" here so that the file is not taken for a test.
int cmd_auth_verify(app::Context& ctx, const AuthTestOptions& opt);
int cmd_provider_add(app::Context& ctx, const ProviderAddOptions& opt);
int cmd_provider_list(app::Context& ctx);

}  // namespace jcode::cli
