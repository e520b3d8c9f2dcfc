// The credential discovery chain of one plugin: its declared sources in order — own files,
// app env files (an environment variable of the same name wins over the file), environment
// variables, other tools' files and commands (consent-gated), plugin-resolved sources. The
// first non-expired credential wins; otherwise the first expired one is returned (a refresh
// may revive it). Every source looked at is traced (for `auth status` and auth-test).
// Also the data of `jcode auth status` (no network) and RFC 7009 logout.
#pragma once

#include <jcode/auth/consent.hpp>
#include <jcode/auth/io.hpp>
#include <jcode/auth/store.hpp>
#include <jcode/error.hpp>
#include <jcode/model/credential.hpp>
#include <jcode/model/oauth_client.hpp>
#include <jcode/model/source.hpp>
#include <jcode/paths/env.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::auth {

enum class SourceState { found, absent, untrusted, declined, refused, malformed, skipped, failed };
std::string_view to_string(SourceState s);

struct SourceTrace {
  model::SourceDecl source;
  std::string where;    // file path, "$VAR", the command, or the label
  SourceState state = SourceState::absent;
  std::string detail;   // why not used; never a secret
  std::optional<model::Credential> credential;
};

struct Discovered {
  model::Credential credential;  // source_id set
  model::SourceDecl source;
  std::string where;
};

struct DiscoveryResult {
  std::optional<Discovered> found;
  std::vector<SourceTrace> trace;
  std::vector<std::string> warnings;  // for stderr (stripped invisible characters, corrupt files)
};

struct DiscoveryCallbacks {
  // The plugin's parse: nullopt when the content holds nothing for it (DECLINE).
  std::function<Result<std::optional<model::Credential>>(const model::SourceDecl&, std::string_view)> parse;
  // The plugin's resolve for PLUGIN sources (nullopt: nothing there).
  std::function<Result<std::optional<model::Credential>>(const model::SourceDecl&)> resolve;
  // Runs a COMMAND source's argv and returns its stdout (secrets never in argv).
  std::function<Result<std::string>(const std::vector<std::string>& argv)> run_command;
};

struct DiscoveryOptions {
  ConsentRequest consent;        // provider id/name, terminal, explicit --provider, prompts
  bool probe_all = false;        // look at every source (status), not only up to the winner
  bool run_commands = true;      // false: COMMAND sources are traced as skipped (offline status)
  bool resolve_plugin_sources = true;
  NowMs now = system_now_ms;
  const paths::Env* env = nullptr;  // default: the process environment
};

// JCODE_E_* only for failures that must stop the command: a consent prompt that cannot be
// shown for an explicit provider, or — when nothing usable was found — a corrupt own file
// (named with its fix; it is never skipped silently). With probe_all (a report) the corrupt
// file is a traced source in state malformed instead.
Result<DiscoveryResult> discover(const std::vector<model::SourceDecl>& sources, const CredentialStore& store,
                                 const Consent& consent, const DiscoveryCallbacks& callbacks,
                                 const DiscoveryOptions& options);

// One provider's line of `jcode auth status`.
struct ProviderStatus {
  std::string provider;
  std::string display_name;
  std::string status;          // available | expired | malformed | not_configured
  std::string source_id;
  std::string source_label;
  std::string credential_source;  // jcode-managed file | app config file | environment variable |
                                  // trusted external file | local CLI session | plugin
  std::string kind;            // oauth | api_key | session | bearer
  int64_t expires_at_ms = 0;   // 0: unknown / never
  bool refreshable = false;    // an own OAuth credential with a refresh token
  std::string action;          // what the user should do, "" when nothing
  std::vector<SourceTrace> trace;

  nlohmann::json to_json() const;
};

// Summarises a discovery made with probe_all, run_commands = false and no prompts.
ProviderStatus summarize_status(std::string provider, std::string display_name, const DiscoveryResult& result,
                                int64_t now_ms);

// RFC 7009 token revocation (form body: token, token_type_hint, client_id[, client_secret]).
// 200 is success (also for unknown tokens); anything else is an error naming the endpoint.
Status revoke_token(const HttpFn& http, const std::string& revoke_url, const std::string& client_id,
                    const std::string& client_secret, const std::string& token, std::string_view token_type_hint);

struct LogoutReport {
  bool revoked = false;       // the server confirmed the revocation
  std::string revoke_error;   // why revocation failed (the local logout still happened)
  bool removed = false;       // jcode's own credential was removed
};

// Logout of one own source: revokes the refresh token (else the access token) when the
// provider declares a revocation endpoint, then removes the credential through
// `remove` (the plugin's serialize with no credential, or deleting the key/file). Another
// tool's files are never touched: the source must be JCODE_FILE or APP_ENV_FILE.
Result<LogoutReport> logout(const model::SourceDecl& own_source, const std::optional<model::Credential>& current,
                            const std::string& revoke_url, const model::OAuthClient* client, const HttpFn& http,
                            const std::function<Result<bool>()>& remove);

}  // namespace jcode::auth
