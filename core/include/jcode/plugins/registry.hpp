// Discovery, loading and the calls into loaded plugins. Everything the rest of the core does
// with a plugin goes through here; no other module touches the C structs of jcode/plugin.h.
//
//   jcode::plugins::Registry reg(services);
//   reg.discover(jcode::plugins::search_dirs(SearchInputs::from_process()).dirs, filter);
//   auto plugin = reg.instance("claude");          // create() runs here, once
//   if (!plugin) report(plugin.error());
//   auto cred = (*plugin)->call_parse(source, file_bytes);
#pragma once

#include <jcode/error.hpp>
#include <jcode/model/credential.hpp>
#include <jcode/model/oauth_client.hpp>
#include <jcode/model/source.hpp>
#include <jcode/plugins/chat.hpp>
#include <jcode/plugins/host_services.hpp>
#include <jcode/plugins/plugin_info.hpp>
#include <jcode/plugins/search_path.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::plugins {

struct PluginFilter {
  std::vector<std::string> enable_only;  // [plugins] enable_only: when non-empty, only these
  std::vector<std::string> disable;      // [plugins] disable
};

// What the host offers at negotiation. Tests lower these to act as an older or stricter
// host; production uses the defaults.
struct LoadOptions {
  uint32_t abi_minor_min = 0;
  uint32_t abi_minor_max = JCODE_ABI_MINOR;
  uint32_t host_api_size = sizeof(jcode_host_api);  // struct_size of the host table offered
};

struct LoadedLibrary;  // the plugin's code and tables; private to the implementation

// A [providers.<name>] profile of config.toml, to be run by the plugin that declares its
// type (jcode_plugin_api.profile_type, ABI 1.3). The registry declares it as plugin.h says:
// endpoint "api" = base_url; with a key variable, the sources "profile_api_key_env" and
// "profile_env_file" (the login target).
struct ProfileSpec {
  std::string name;
  std::string type;  // empty: run by the plugin that takes untyped profiles
  std::string base_url;
  std::string api_key_env;  // empty: the profile sends no key
  std::string env_file;     // inside jcode's app config dir
  std::string default_model;
  std::string where;  // "[providers.<name>] in <config path>", for messages
};

// A profile that is not a provider, and why (one line, for the user).
struct SkippedProfile {
  std::string name;
  std::string reason;
};

// One loaded plugin. Calls are serialised per plugin unless it declares
// JCODE_PLUGIN_F_THREAD_SAFE (re-entrant on one thread: the OAuth engine may call back in).
// Every call turns the plugin's status and set_error message into an Error whose message
// names the plugin; a plugin without the role or the optional function answers
// JCODE_E_NOT_SUPPORTED without calling into it.
class Plugin {
 public:
  ~Plugin();
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  const PluginInfo& info() const { return info_; }
  const std::string& id() const { return info_.id; }

  // Credential source role. JCODE_E_DECLINE when the content holds nothing for this plugin.
  Result<model::Credential> call_parse(const model::SourceDecl& source, std::string_view content);
  // New content of own source `source` holding cred (nullptr: remove the active credential).
  Result<std::string> call_serialize(const model::SourceDecl& source, std::string_view current,
                                     const model::Credential* cred);
  Result<model::Credential> call_resolve(const model::SourceDecl& source);

  // Login role.
  Result<model::Credential> call_token_response(std::string_view json,
                                                const model::Credential* previous);
  Result<model::Credential> call_after_login(const model::Credential& cred);
  // nullopt: the plugin saved through store_write itself.
  Result<std::optional<model::Credential>> call_login_run(const model::LoginRequest& request);

  // Transport role. cred may be null when the plugin declares no sources.
  Status call_send(const ChatRequest& request, const model::Credential* cred,
                   const EventHandler& on_event);

  // The plugin's text for a plugin-private code, or "".
  std::string reason_string(jcode_status code) const;

 private:
  friend class Registry;
  Plugin();
  template <class Fn>
  Status invoke(const char* what, Fn&& fn);
  void destroy_instance() noexcept;

  PluginInfo info_;
  std::unique_ptr<LoadedLibrary> lib_;
  std::recursive_mutex call_mu_;
  std::optional<Error> create_error_;  // create() is tried once; its failure is remembered
  bool create_tried_ = false;
};

class Registry {
 public:
  explicit Registry(HostServices& services, LoadOptions options = {});
  ~Registry();  // destroys created instances in reverse creation order; never unloads code
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Scans dirs in order and loads every jcode-provider-<id>.so that passes the checks, the
  // first per id winning. Runs each file's entry point only: no create(), no I/O by plugins.
  // Files that fail are listed in skipped() with a one-line reason; the rest keep working.
  void discover(const std::vector<SearchDir>& dirs, const PluginFilter& filter = {});
  // The same for a search plan; its warnings (ignored JCODE_PLUGIN_PATH entries...) are
  // added to warnings(). Typical: discover(search_dirs(SearchInputs::from_process()), f).
  void discover(const SearchPlan& plan, const PluginFilter& filter = {});

  const std::vector<std::unique_ptr<Plugin>>& plugins() const { return plugins_; }
  const std::vector<SkippedFile>& skipped() const { return skipped_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  std::chrono::microseconds discovery_time() const { return discovery_time_; }

  const PluginInfo* find(std::string_view id) const;
  // Why `id` cannot be used: skipped (with the reason), or not installed (naming the installed
  // ones and the package that provides it). JCODE_E_NOT_FOUND.
  Error not_found(std::string_view id) const;
  // The plugin that declares `name` as an alias (ABI 1.1) and that alias; {nullptr, nullptr}
  // when none does. An installed plugin's id always wins over another plugin's alias.
  std::pair<const PluginInfo*, const AliasDecl*> find_alias(std::string_view name) const;
  // Makes a provider of each profile whose type a loaded plugin runs; the others (no such
  // plugin, a name an installed provider has) are listed in skipped_profiles().
  void add_profiles(const std::vector<ProfileSpec>& profiles);
  const std::vector<SkippedProfile>& skipped_profiles() const { return skipped_profiles_; }
  // The plugin that runs profiles without a type (the format's default), or nullptr.
  const PluginInfo* untyped_profile_runner() const;

  // The plugin with create() done (once, lazily). Errors: JCODE_E_NOT_FOUND for an unknown or
  // skipped id (the message says why), or the create failure.
  Result<Plugin*> instance(std::string_view id);

  HostServices& services() const { return services_; }
  const LoadOptions& options() const { return options_; }

 private:
  void load_one(const SearchDir& dir, const std::filesystem::path& file, const std::string& id);
  void skip(const SearchDir& dir, const std::filesystem::path& file, const std::string& id,
            std::string reason);

  HostServices& services_;
  LoadOptions options_;
  jcode_host_api host_table_{};  // the table offered, sized per options_
  std::vector<std::unique_ptr<Plugin>> plugins_;
  std::vector<Plugin*> creation_order_;
  std::mutex creation_mu_;  // guards creation_order_
  std::vector<SkippedFile> skipped_;
  std::vector<SkippedProfile> skipped_profiles_;
  // ABI 1.3 providers of the files loaded by a discover(): added after every file, so a
  // plugin file of the same id wins wherever it is in the search path.
  std::vector<std::unique_ptr<Plugin>> pending_rows_;
  std::vector<std::string> warnings_;
  std::chrono::microseconds discovery_time_{0};
};

// "jcode-provider-<id>.so" → "<id>" when id is [a-z0-9-]+ (not starting with '-'), else "".
std::string plugin_id_from_filename(std::string_view filename);

}  // namespace jcode::plugins
