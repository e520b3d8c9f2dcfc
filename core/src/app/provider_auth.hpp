// Joins a loaded plugin's declarations to the auth engine: where its login saves, how its
// OAuth client's endpoints resolve, how its credentials are refreshed and persisted. The
// mechanisms are jcode::auth's; this only wires one plugin to them.
#pragma once

#include <jcode/auth/oauth_flow.hpp>
#include <jcode/auth/refresh.hpp>
#include <jcode/auth/store.hpp>
#include <jcode/error.hpp>
#include <jcode/model/credential.hpp>
#include <jcode/model/source.hpp>
#include <jcode/plugins/registry.hpp>

#include <optional>
#include <string>

namespace jcode::cli {
class Context;
}

namespace jcode::app {

// A credential found by discovery, and where.
struct FoundCredential {
  model::Credential credential;
  model::SourceDecl source;
  std::string path;  // the file, when the source is one
};

// What discovery saw at one source (for `auth status` and auth-test's credential probe).
struct SourceTrace {
  model::SourceDecl source;
  std::string path;
  std::string state;   // found, absent, untrusted, declined, refused, malformed, declined-by-plugin
  std::string detail;
  std::optional<model::Credential> credential;
};

class ProviderAuth {
 public:
  ProviderAuth(cli::Context& ctx, plugins::Plugin& plugin);

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

  // Token endpoint JSON → Credential: the plugin's token_response, else RFC 6749 fields.
  Result<model::Credential> map_tokens(std::string_view json, const model::Credential* previous);

  // Stores cred in an own JCODE_FILE source (through the plugin's serialize, keeping what
  // else the file holds) or, for an APP_ENV_FILE source, its key's value.
  Status save(const model::SourceDecl& source, const model::Credential& cred);
  // Removes the active credential from an own source; true when there was one.
  Result<bool> remove(const model::SourceDecl& source);
  // Reads an own source and parses it; nullopt when absent or the plugin declines.
  Result<std::optional<model::Credential>> load(const model::SourceDecl& source);

  // Refreshes an OAuth credential found in `source` when it expires soon (or force).
  Result<auth::RefreshResult> refresh(const model::SourceDecl& source, const model::Credential& current,
                                      bool force);

  // Discovery: the plugin's sources in declared order; the first non-expired credential
  // wins, else the first expired one (a refresh may save it). Other tools' files are read
  // only with consent (asked when allow_prompt and a terminal is there). trace, when given,
  // gets one entry per source looked at.
  // probe_only (auth status): no prompts, and sources that would need a network call or a
  // command (plugin-resolved, COMMAND) are reported without being run.
  Result<FoundCredential> acquire(bool explicit_provider, bool allow_prompt,
                                  std::vector<SourceTrace>* trace = nullptr, bool probe_only = false);

  auth::CredentialStore& store();

 private:
  cli::Context& ctx_;
  plugins::Plugin& plugin_;
  std::optional<auth::CredentialStore> store_;
};

}  // namespace jcode::app
