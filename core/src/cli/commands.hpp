// One function per command. Each returns an exit code (jcode/cli/exit_codes.hpp) and prints
// its own output; errors go to stderr as "jcode: <message>".
#pragma once

#include "context.hpp"
#include "options.hpp"

namespace jcode::cli {

int cmd_plugins_list(Context& ctx, const PluginsListOptions& opt);
int cmd_plugins_info(Context& ctx, const PluginsInfoOptions& opt);
int cmd_login(Context& ctx, const LoginOptions& opt);
int cmd_logout(Context& ctx, const LogoutOptions& opt);
int cmd_auth_trust(Context& ctx, const TrustOptions& opt);
int cmd_auth_refresh(Context& ctx, const AuthRefreshOptions& opt);
int cmd_run(Context& ctx, const RunOptions& opt);
int cmd_auth_status(Context& ctx);
int cmd_auth_test(Context& ctx, const AuthTestOptions& opt);

}  // namespace jcode::cli
