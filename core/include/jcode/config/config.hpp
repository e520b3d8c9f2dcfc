// jcode's own settings file, <jcode home>/config.toml.
//
// Known tables (every other key is kept as is and round-trips through save()):
//   [provider]            default_provider, default_model
//   [providers.<name>]    named OpenAI-compatible profiles (ProviderProfile)
//   [endpoints]           "<plugin>.<endpoint>" = "https://…"   (the key is quoted: it holds a dot)
//   [plugins]             enable_only = [ids], disable = [ids]
//   [plugins.<id>]        the plugin's own values, read through host->config_get
//   [auth]                trusted_external_source_paths = ["<source_id>|<canonical path, lowercased>"],
//                         trusted_external_sources = ["<source_id>"]
//   [http]                ca_bundle, connect_timeout_secs, request_timeout_secs,
//                         stream_idle_timeout_secs
//
// JCODE_TRUSTED_EXTERNAL_AUTH_SOURCES (comma list; items with '|' are path entries), when set,
// replaces both trust lists for this process. It is never written back by save().
//
// save() rewrites the whole file through toml++: values and unknown keys survive, comments
// and hand formatting do not (toml++ keeps no comments). It is written atomically, mode 0600,
// because a profile may hold an inline api_key.
#pragma once

#include <jcode/error.hpp>
#include <jcode/paths/env.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::config {

struct ProviderModel {
  std::string id;
  std::optional<int64_t> context_window;
};

// [providers.<name>]. Empty strings / nullopt mean "absent"; set_provider_profile removes
// absent known keys and keeps unknown ones.
struct ProviderProfile {
  std::string name;
  std::string type;           // "openai-compatible", "anthropic-compatible", "open-router"
  std::string base_url;
  std::string auth;           // "bearer" | "header" | "none"
  std::string auth_header;
  std::string api_key_env;
  std::string api_key;        // inline key (discouraged; kept because upstream accepts it)
  std::string env_file;
  std::string default_model;
  std::optional<bool> requires_api_key;
  std::optional<bool> provider_routing;
  std::optional<bool> model_catalog;
  std::vector<ProviderModel> models;
};

// A key a plugin declares for its [plugins.<id>] table (plugin.h jcode_config_decl).
enum class KeyType { string, integer, boolean, string_list, string_table };
struct KeySpec {
  std::string key;
  KeyType type = KeyType::string;
};
// "a string in double quotes", "a whole number", …: for messages.
std::string_view key_type_text(KeyType t);

struct HttpSettings {
  std::string ca_bundle;  // empty = system default
  std::optional<int64_t> connect_timeout_secs;
  std::optional<int64_t> request_timeout_secs;
  std::optional<int64_t> stream_idle_timeout_secs;
};

class Config {
 public:
  Config();  // empty, no path
  ~Config();
  Config(const Config&);
  Config& operator=(const Config&);
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;

  // <jcode home>/config.toml.
  static Result<std::filesystem::path> default_path(const paths::Env& env = paths::process_env());

  // A missing file is an empty config (save() creates it). A syntax error or a known key of
  // the wrong type is an error naming file, line and column and the fix; the file is never
  // touched.
  static Result<Config> load(const std::filesystem::path& path,
                             const paths::Env& env = paths::process_env());
  // Same rules, from text; `path` is used in messages and by save().
  static Result<Config> parse(std::string_view text, const std::filesystem::path& path,
                              const paths::Env& env = paths::process_env());

  const std::filesystem::path& path() const;

  // Generic getters by dotted path ("provider.default_model"); nullopt when absent or of
  // another type. Use the segments overload when a key itself contains a dot.
  std::optional<std::string> get_string(std::string_view dotted) const;
  std::optional<int64_t> get_int(std::string_view dotted) const;
  std::optional<bool> get_bool(std::string_view dotted) const;
  std::optional<std::vector<std::string>> get_string_array(std::string_view dotted) const;
  std::optional<std::string> get_string(const std::vector<std::string>& segments) const;

  // [endpoints]: "<plugin>.<endpoint>" → URL.
  std::map<std::string, std::string> endpoints() const;
  std::optional<std::string> endpoint(std::string_view plugin_id, std::string_view name) const;

  // [plugins] enable_only (nullopt when not set: everything is enabled) and disable.
  std::optional<std::vector<std::string>> plugins_enable_only() const;
  std::vector<std::string> plugins_disable() const;
  // A value of [plugins.<id>] by dotted key inside that table: strings as is, integers,
  // floats and booleans in TOML spelling, arrays and tables as JSON. For host->config_get.
  std::optional<std::string> plugin_value(std::string_view plugin_id, std::string_view key) const;
  // The same for any table, by its path ({"providers", "<name>"}).
  std::optional<std::string> table_value(const std::vector<std::string>& table, std::string_view key) const;
  // A declared string-list setting: a string is one item, an array its strings.
  std::optional<std::vector<std::string>> plugin_list(std::string_view plugin_id, std::string_view key) const;

  // [plugins.<id>] against the keys the plugin declares: a value of the wrong type is an
  // error naming file:line:column, the key and the type expected (nothing is converted, the
  // file is not touched); a key it does not declare adds a warning naming the closest one.
  // No declared keys: nothing is checked (a plugin older than ABI 1.2).
  Status check_plugin_table(std::string_view plugin_id, const std::vector<KeySpec>& keys,
                            std::vector<std::string>& warnings) const;
  // [endpoints] entries that name no declared endpoint (known: "<plugin>.<name>"): a
  // warning each naming the closest known name. An entry whose plugin part is none of
  // `plugins` and close to no known name is left alone (its plugin may be uninstalled or
  // disabled, which is not a mistake in the file).
  void check_endpoint_names(const std::vector<std::string>& known, const std::vector<std::string>& plugins,
                            std::vector<std::string>& warnings) const;

  // Effective trust lists (env override applied), normalised: lowercased, sorted, unique.
  std::vector<std::string> trusted_external_source_paths() const;
  std::vector<std::string> trusted_external_sources() const;
  bool trust_overridden_by_env() const;
  // Case-insensitive, as the entries are stored lowercased.
  bool is_path_trusted(std::string_view source_id, std::string_view canonical_path) const;
  bool is_source_trusted(std::string_view source_id) const;

  std::vector<std::string> provider_names() const;
  std::optional<ProviderProfile> provider(std::string_view name) const;
  std::optional<std::string> default_provider() const;
  std::optional<std::string> default_model() const;

  HttpSettings http() const;

  // Mutators change the file's values only (never the env override). Call save() after.
  void add_trusted_source_path(std::string_view source_id, std::string_view canonical_path);
  bool remove_trusted_source_path(std::string_view source_id, std::string_view canonical_path);
  void add_trusted_source(std::string_view source_id);
  bool remove_trusted_source(std::string_view source_id);
  // Name must match [A-Za-z0-9][A-Za-z0-9_-]{0,63}.
  Status set_provider_profile(const ProviderProfile& profile);
  bool remove_provider_profile(std::string_view name);
  // Adds [providers.<name>] (and its [[providers.<name>.models]]) to the file's text, every
  // other byte kept; with replace, an existing profile's sections are cut out first. The
  // result is re-parsed and must hold exactly the profile; an error (the profile exists
  // without replace, or its sections are not plain headers that can be cut) changes nothing.
  Status add_provider_profile_text(const ProviderProfile& profile, bool replace);
  void set_default_provider(std::string_view provider,
                            std::optional<std::string_view> model = std::nullopt);

  // True when the loaded text had full-line comments.
  bool had_comments() const;

  // The file re-rendered from the settings (comments and layout lost).
  std::string to_toml() const;
  // The loaded text with only the changed keys edited in place (comments, order, dotted keys
  // kept); nullopt when a change cannot be made locally and verified by re-parsing.
  std::optional<std::string> edited_text() const;
  // Whether save() keeps the file's text (edited_text() works, or nothing changed).
  bool save_keeps_text() const;
  // Writes edited_text(), else to_toml(). Callers that change hand-written files check
  // save_keeps_text() first and warn before a re-render.
  Status save() const;  // to path()
  Status save_to(const std::filesystem::path& path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The defaults of a profile that names no key variable or env file: the variable
// "JCODE_PROVIDER_<NAME>_API_KEY" (upper case, every other character '_') and the file
// "provider-<name>.env" in jcode's app config dir.
std::string profile_key_variable(std::string_view name);
std::string profile_env_file(std::string_view name);

// "<lowercase source_id>|<lowercase path>": the stored form of a path trust entry.
std::string trust_path_entry(std::string_view source_id, std::string_view canonical_path);

}  // namespace jcode::config
