// What the host knows about a loaded plugin: copies of its declarations, made at discovery,
// so nothing here points into the plugin image.
#pragma once

#include <jcode/model/oauth_client.hpp>
#include <jcode/model/source.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace jcode::plugins {

struct EndpointDecl {
  std::string name;         // short name; full name is "<plugin id>.<name>"
  std::string default_url;
  std::string description;
  // A profile's API base (the user's own server): plain http is also allowed to private
  // and link-local addresses, not only to this machine.
  bool local_network = false;
};

struct OptionDecl {
  std::string name;  // long flag without dashes
  std::string help;
  uint32_t flags = 0;  // JCODE_OPTION_F_*
  bool is_flag() const { return (flags & JCODE_OPTION_F_FLAG) != 0; }
  bool is_secret() const { return (flags & JCODE_OPTION_F_SECRET) != 0; }
};

// Another name of the plugin (ABI 1.1), e.g. the deprecated "claude-subprocess".
struct AliasDecl {
  std::string name;
  std::string env_name;  // set to env_value when the alias is used; empty = none
  std::string env_value;
  std::string replacement;  // for the deprecation warning
  uint32_t flags = 0;       // JCODE_ALIAS_F_*
  bool hidden() const { return (flags & JCODE_ALIAS_F_HIDDEN) != 0; }
  bool deprecated() const { return (flags & JCODE_ALIAS_F_DEPRECATED) != 0; }
};

// A setting of [plugins.<id>] the plugin declares (ABI 1.2).
struct ConfigKeyDecl {
  std::string key;
  int32_t type = JCODE_CONFIG_STRING;  // JCODE_CONFIG_*
  std::string help;
};

enum class LoginMethod : int32_t {
  oauth_pkce = JCODE_LOGIN_OAUTH_PKCE,
  device = JCODE_LOGIN_DEVICE,
  api_key = JCODE_LOGIN_API_KEY,
  custom = JCODE_LOGIN_CUSTOM,
};

struct LoginInfo {
  LoginMethod method = LoginMethod::custom;
  std::optional<model::OAuthClient> oauth;    // set for oauth_pkce
  std::optional<model::DeviceClient> device;  // set for device
  std::vector<OptionDecl> options;
  bool has_token_response = false;  // else the host maps RFC 6749 fields itself
  bool has_after_login = false;
  bool has_run = false;
};

struct CredentialsInfo {
  bool has_serialize = false;
  bool has_resolve = false;
};

struct TransportInfo {
  uint32_t flags = 0;  // JCODE_TRANSPORT_F_*
  std::string default_model;
  bool tools() const { return (flags & JCODE_TRANSPORT_F_TOOLS) != 0; }
  bool subprocess() const { return (flags & JCODE_TRANSPORT_F_SUBPROCESS) != 0; }
};

struct PluginInfo {
  std::string id;
  std::string display_name;
  std::string version;
  std::string description;
  std::filesystem::path path;  // the file, as found in its search directory
  std::string origin;          // which search directory: "JCODE_PLUGIN_PATH", "user", ...
  uint32_t abi_major = JCODE_ABI_MAJOR;
  uint32_t abi_minor = 0;      // negotiated
  uint32_t roles = 0;          // JCODE_ROLE_*
  uint32_t flags = 0;          // JCODE_PLUGIN_F_*
  std::vector<EndpointDecl> endpoints;
  std::vector<model::SourceDecl> sources;  // discovery order
  std::optional<CredentialsInfo> credentials;
  std::optional<LoginInfo> login;
  std::optional<TransportInfo> transport;
  std::vector<AliasDecl> aliases;
  // nullopt: the plugin declares no settings (NULL, or a 1.0/1.1 plugin): none are checked.
  std::optional<std::vector<ConfigKeyDecl>> config_keys;
  // ABI 1.3. For a provider another plugin's file serves (a catalogue row, a profile): that
  // plugin's id; empty for a plugin's own id.
  std::string library_id;
  // A [providers.<name>] profile of config.toml made into a provider.
  bool profile = false;
  // JCODE_PROVIDER_F_CREDENTIAL_OPTIONAL: no credential found is not an error.
  bool credential_optional = false;
  // The `type` of profiles the plugin runs (jcode_plugin_api.profile_type); empty = none.
  std::string profile_type;

  bool has_role(uint32_t role) const { return (roles & role) != 0; }
  bool thread_safe() const { return (flags & JCODE_PLUGIN_F_THREAD_SAFE) != 0; }
  bool runs_untyped_profiles() const { return !profile_type.empty() && (flags & JCODE_PLUGIN_F_UNTYPED_PROFILES) != 0; }
  const model::SourceDecl* source(std::string_view source_id) const;
  const model::SourceDecl* login_target() const;
  const EndpointDecl* endpoint(std::string_view name) const;
  const AliasDecl* alias(std::string_view name) const;
};

// A file that looked like a plugin but was not loaded, and why (one line, for the user).
struct SkippedFile {
  std::filesystem::path path;
  std::string id;      // from the file name
  std::string origin;  // which search directory
  std::string reason;
};

}  // namespace jcode::plugins
