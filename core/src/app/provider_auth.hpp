// Joins a loaded plugin's declarations to the auth engine: where its login saves, how its
// OAuth client's endpoints resolve, how its credentials are refreshed and persisted. The
// mechanisms are jcode::auth's; this only wires one plugin to them.
#pragma once

#include <jcode/auth/discovery.hpp>
#include <jcode/auth/oauth_flow.hpp>
#include <jcode/auth/refresh.hpp>
#include <jcode/auth/store.hpp>
#include <jcode/error.hpp>
#include <jcode/model/credential.hpp>
#include <jcode/model/source.hpp>
#include <jcode/plugins/registry.hpp>

#include <optional>
#include <string>

namespace jcode::app {

class Context;

class ProviderAuth {
 public:
  ProviderAuth(Context& ctx, plugins::Plugin& plugin);

  plugins::Plugin& plugin() { return plugin_; }
  const plugins::PluginInfo& info() const { return plugin_.info(); }

  // The source a login saves to (JCODE_SOURCE_F_LOGIN_TARGET), or an error naming the plugin.
  Result<model::SourceDecl> login_target() const;
  // An own source by id (JCODE_FILE / APP_ENV_FILE only).
  Result<model::SourceDecl> own_source(std::string_view source_id) const;

  // Effective URLs of an OAuth client's endpoints, and the client with config overrides
  // ([plugins.<id>] client_id / client_secret) applied.
  Result<auth::OAuthUrls> oauth_urls(const model::OAuthClient& client);
  model::OAuthClient effective_client(const model::OAuthClient& client);

  // Runs the auth engine's authorization-code (PKCE) or device flow for this plugin, with
  // config overrides and resolved endpoints: tokens, or the deferred scriptable half.
  Result<auth::LoginOutcome> oauth_login(const model::OAuthClient& client, const model::LoginRequest& req);
  Result<auth::LoginOutcome> device_login(const model::DeviceClient& client, const model::LoginRequest& req);

  // Token endpoint JSON → Credential: the plugin's token_response, else RFC 6749 fields.
  Result<model::Credential> map_tokens(std::string_view json, const model::Credential* previous);

  // Stores cred in an own JCODE_FILE source (through the plugin's serialize, keeping what
  // else the file holds) or, for an APP_ENV_FILE source, its key's value.
  Status save(const model::SourceDecl& source, const model::Credential& cred);
  // Whether save() to `source` can succeed now: the current file is readable and not corrupt
  // (a corrupt own file is never overwritten) and the directory and disk take a new copy.
  // Checked before a step that cannot be taken back: redeeming a code, spending a refresh token.
  Status check_saveable(const model::SourceDecl& source);
  // Removes the active credential from an own source; true when there was one.
  Result<bool> remove(const model::SourceDecl& source);
  // Reads an own source and parses it; nullopt when absent or the plugin declines.
  Result<std::optional<model::Credential>> load(const model::SourceDecl& source);

  // Refreshes an OAuth credential found in `source` when it expires soon (or force).
  Result<auth::RefreshResult> refresh(const model::SourceDecl& source, const model::Credential& current,
                                      bool force);

  // Discovery through jcode::auth::discover with this plugin's parse/resolve. probe_only
  // (auth status): every source traced, no prompts, no commands, no plugin resolution —
  // unless run_probes (auth status --probe): then approved commands run and plugin sources
  // resolve, still without prompts.
  Result<auth::DiscoveryResult> discover(bool explicit_provider, bool allow_prompt, bool probe_only = false,
                                         bool run_probes = false);
  // The winner of discover(), or JCODE_E_AUTH_REQUIRED naming what was looked at and the
  // login command.
  Result<auth::Discovered> acquire(bool explicit_provider, bool allow_prompt);

  auth::CredentialStore& store();

 private:
  Status check_parseable(const model::SourceDecl& source, const std::optional<std::string>& content);
  Context& ctx_;
  plugins::Plugin& plugin_;
  std::optional<auth::CredentialStore> store_;
};

}  // namespace jcode::app
