#include <jcode/plugins/registry.hpp>

#include "plugins/convert.hpp"
#include "plugins/elf_check.hpp"
#include "plugins/host_ctx.hpp"
#include "plugins/loaded_library.hpp"

#include <jcode/plugins/file_check.hpp>
#include <jcode/plugins/status.hpp>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace jcode::plugins {
namespace {

constexpr std::string_view kPrefix = "jcode-provider-";
constexpr std::string_view kSuffix = ".so";

// Libraries are never unloaded (a plugin may have left thread-locals, atexit handlers or
// strings behind): every handle goes here for the life of the process, and RTLD_NODELETE
// makes a stray dlclose harmless too. Reachable from a static, so not a leak.
//
// The descriptor a library was loaded through stays open as well: the dynamic loader knows
// the library by its name "/proc/self/fd/N", and would hand the same library back for a
// later dlopen of that name if N were closed and reused by the next plugin file.
struct Resident {
  boost::dll::shared_library lib;
  int fd;
};
void keep_resident(boost::dll::shared_library lib, int fd) {
  static std::mutex mu;
  static auto* libs = new std::vector<Resident>();
  std::lock_guard lock(mu);
  libs->push_back(Resident{std::move(lib), fd});
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool listed(const std::vector<std::string>& list, const std::string& id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

}  // namespace

std::string plugin_id_from_filename(std::string_view name) {
  if (name.size() <= kPrefix.size() + kSuffix.size() || name.substr(0, kPrefix.size()) != kPrefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix)
    return {};
  std::string_view id = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (id.front() == '-') return {};
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return {};
  return std::string(id);
}

Plugin::Plugin() = default;

Plugin::~Plugin() = default;

void Plugin::destroy_instance() noexcept {
  if (!lib_ || !lib_->instance) return;
  std::lock_guard lock(call_mu_);
  try {
    detail::CallScope scope(lib_->ctx.get());
    lib_->api->destroy(lib_->instance);
  } catch (...) {
    // Nothing to report at shutdown; the plugin broke PAP-PLUGIN rules by throwing.
  }
  lib_->instance = nullptr;
}

Registry::Registry(HostServices& services, LoadOptions options)
    : services_(services), options_(options), host_table_(detail::host_api_table()) {
  // A test may offer a shorter table to act as an older host; never a longer one.
  host_table_.struct_size = std::min<uint32_t>(options_.host_api_size, sizeof(jcode_host_api));
  host_table_.abi_minor = options_.abi_minor_max;
}

Registry::~Registry() {
  for (auto it = creation_order_.rbegin(); it != creation_order_.rend(); ++it) (*it)->destroy_instance();
}

const PluginInfo* Registry::find(std::string_view id) const {
  for (const auto& p : plugins_)
    if (p->info_.id == id) return &p->info_;
  return nullptr;
}

Error Registry::not_found(std::string_view id) const {
  for (const auto& s : skipped_)
    if (s.id == id)
      return Error{JCODE_E_NOT_FOUND,
                   "provider plugin '" + std::string(id) + "' was not loaded: " + s.path.string() + ": " + s.reason};
  std::string installed;
  for (const auto& p : plugins_) installed += (installed.empty() ? "" : ", ") + p->info_.id;
  return Error{JCODE_E_NOT_FOUND, "provider '" + std::string(id) + "' is not installed (installed: " +
                                      (installed.empty() ? "none" : installed) + "); it ships as the package "
                                      "jcode-provider-" + std::string(id) + " (file jcode-provider-" + std::string(id) +
                                      ".so in a plugin directory: `jcode plugins list --verbose` shows the search path)"};
}

std::pair<const PluginInfo*, const AliasDecl*> Registry::find_alias(std::string_view name) const {
  if (find(name)) return {nullptr, nullptr};
  for (const auto& p : plugins_)
    if (const AliasDecl* a = p->info_.alias(name)) return {&p->info_, a};
  return {nullptr, nullptr};
}

void Registry::skip(const SearchDir& dir, const std::filesystem::path& file, const std::string& id,
                    std::string reason) {
  skipped_.push_back(SkippedFile{file, id, dir.origin, std::move(reason)});
}

void Registry::discover(const std::vector<SearchDir>& dirs, const PluginFilter& filter) {
  const auto t0 = std::chrono::steady_clock::now();
  const uid_t user = ::getuid();
  const char* home_env = std::getenv("HOME");
  const std::filesystem::path home = (home_env && *home_env == '/') ? home_env : "";

  for (const auto& dir : dirs) {
    std::error_code ec;
    std::vector<std::pair<std::string, std::filesystem::path>> candidates;
    std::filesystem::directory_iterator it(dir.path, ec), end;
    if (ec) {
      if (ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
        warnings_.push_back("cannot read plugin directory " + dir.path.string() + ": " + ec.message());
      continue;
    }
    for (; it != end; it.increment(ec)) {
      if (ec) {
        warnings_.push_back("error while reading plugin directory " + dir.path.string() + ": " + ec.message());
        break;
      }
      std::string id = plugin_id_from_filename(it->path().filename().string());
      if (!id.empty()) candidates.emplace_back(std::move(id), it->path());
    }
    if (candidates.empty()) continue;
    std::sort(candidates.begin(), candidates.end(),
              [](const auto& a, const auto& b) { return a.second.filename() < b.second.filename(); });

    const auto dir_problem = unsafe_directory_chain(dir.path, home, user);
    for (const auto& [id, file] : candidates) {
      if (dir_problem) {
        skip(dir, file, id, "unsafe plugin directory: " + *dir_problem);
        continue;
      }
      if (listed(filter.disable, id)) {
        skip(dir, file, id, "disabled by [plugins] disable in the config");
        continue;
      }
      if (!filter.enable_only.empty() && !listed(filter.enable_only, id)) {
        skip(dir, file, id, "not in [plugins] enable_only in the config");
        continue;
      }
      if (const PluginInfo* first = find(id)) {
        // Normal (a user-dir provider overriding a packaged one): a skip `plugins list` shows,
        // not a warning on every command.
        std::string why = "duplicate id '" + id + "': already loaded from " + first->path.string() +
                          " (the first match wins)";
        skip(dir, file, id, std::move(why));
        continue;
      }
      try {
        load_one(dir, file, id);
      } catch (const std::exception& e) {
        skip(dir, file, id, std::string("internal error while loading: ") + e.what());
      }
    }
  }
  // Catalogue rows last: a provider of its own file, found anywhere, wins over a row.
  for (auto& row : pending_rows_) {
    const std::string& id = row->info_.id;
    SearchDir dir{row->info_.path.parent_path(), row->info_.origin};
    // enable_only was applied to the file; each provider of it can still be disabled alone.
    if (listed(filter.disable, id)) {
      skip(dir, row->info_.path, id, "disabled by [plugins] disable in the config");
      continue;
    }
    if (const PluginInfo* first = find(id)) {
      skip(dir, row->info_.path, id,
           "provider '" + id + "' of " + row->info_.library_id + " is not used: " + first->path.string() +
               " provides '" + id + "' (a provider's own plugin wins over a catalogue entry)");
      continue;
    }
    plugins_.push_back(std::move(row));
  }
  pending_rows_.clear();
  discovery_time_ += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
}

void Registry::discover(const SearchPlan& plan, const PluginFilter& filter) {
  warnings_.insert(warnings_.end(), plan.warnings.begin(), plan.warnings.end());
  discover(plan.dirs, filter);
}

void Registry::load_one(const SearchDir& dir, const std::filesystem::path& file, const std::string& id) {
  // Check and load through one descriptor so the file cannot be swapped in between.
  Fd fd;
  fd.fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd.fd < 0) {
    const int err = errno;
    if (err == ELOOP)
      return skip(dir, file, id, "is a symbolic link; install the plugin file itself");
    return skip(dir, file, id, std::string("cannot open: ") + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0) return skip(dir, file, id, std::string("cannot stat: ") + std::strerror(errno));
  if (auto why = unsafe_file_reason(st, ::getuid())) return skip(dir, file, id, "unsafe plugin file: " + *why);
  if (auto why = detail::check_elf(fd.fd, st.st_size, JCODE_PLUGIN_ENTRY_SYMBOL)) return skip(dir, file, id, *why);

  const std::string via_fd = "/proc/self/fd/" + std::to_string(fd.fd);
  boost::dll::shared_library lib;
  boost::dll::fs::error_code ec;
  ::dlerror();
  lib.load(via_fd,
           boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local |
               static_cast<boost::dll::load_mode::type>(RTLD_NODELETE),
           ec);
  if (ec || !lib.is_loaded()) {
    const char* dl = ::dlerror();
    std::string why = dl ? dl : ec.message();
    // dlerror names the /proc path; the user knows the file by its name.
    if (auto pos = why.find(via_fd); pos != std::string::npos) why.replace(pos, via_fd.size(), file.string());
    return skip(dir, file, id, "cannot load: " + why);
  }
  const bool has_entry = lib.has(JCODE_PLUGIN_ENTRY_SYMBOL);
  jcode_plugin_entry_fn entry =
      has_entry ? &lib.get<jcode_status JCODE_CALL(const jcode_init_in*, jcode_init_out*)>(JCODE_PLUGIN_ENTRY_SYMBOL)
                : nullptr;
  keep_resident(std::move(lib), fd.fd);
  fd.fd = -1;
  if (!entry) return skip(dir, file, id, "missing entry symbol " JCODE_PLUGIN_ENTRY_SYMBOL);

  auto loaded = std::make_unique<LoadedLibrary>();
  loaded->ctx = detail::make_host_ctx(id, services_);

  jcode_init_in in{};
  in.struct_size = sizeof in;
  in.abi_major = JCODE_ABI_MAJOR;
  in.abi_minor_min = options_.abi_minor_min;
  in.abi_minor_max = options_.abi_minor_max;
  in.host = &host_table_;
  in.ctx = loaded->ctx.get();
  jcode_init_out out{};
  out.struct_size = sizeof out;

  jcode_status st_entry = JCODE_E_INTERNAL;
  std::optional<Error> entry_error;
  {
    detail::CallScope scope(loaded->ctx.get());
    try {
      st_entry = entry(&in, &out);
    } catch (...) {
      return skip(dir, file, id, "a C++ exception escaped jcode_plugin_entry (plugins must catch at the boundary)");
    }
    if (st_entry != JCODE_OK) entry_error = scope.error(st_entry, "jcode_plugin_entry", "");
  }
  if (st_entry == JCODE_E_INCOMPATIBLE)
    return skip(dir, file, id, "incompatible: the plugin does not serve ABI " + std::to_string(JCODE_ABI_MAJOR) +
                                   ".x (it was built for another jcode plugin ABI major version)");
  if (entry_error) return skip(dir, file, id, "entry point failed: " + entry_error->message);
  if (out.abi_minor > options_.abi_minor_max)
    return skip(dir, file, id, "the plugin answered ABI minor " + std::to_string(out.abi_minor) +
                                   ", above the newest this host offered (" + std::to_string(options_.abi_minor_max) +
                                   ")");
  if (out.abi_minor < options_.abi_minor_min)
    return skip(dir, file, id, "ABI minor too old: the plugin serves 1." + std::to_string(out.abi_minor) +
                                   ", this host needs at least 1." + std::to_string(options_.abi_minor_min) +
                                   " (rebuild the plugin against a newer jcode/plugin.h)");

  auto plugin = std::unique_ptr<Plugin>(new Plugin());
  plugin->info_.path = file;
  plugin->info_.origin = dir.origin;
  plugin->info_.abi_major = JCODE_ABI_MAJOR;
  plugin->info_.abi_minor = out.abi_minor;
  if (auto why = detail::read_plugin_table(out.api, id, plugin->info_, loaded->source_decls))
    return skip(dir, file, id, "invalid plugin table: " + *why);
  loaded->api = out.api;
  plugin->lib_ = std::move(loaded);

  // ABI 1.3: the further providers of this file, each with a context and instance of its
  // own. A bad declaration costs that provider only.
  for (const jcode_provider_decl* d : detail::provider_decls(out.api, out.abi_minor)) {
    auto row = std::unique_ptr<Plugin>(new Plugin());
    auto row_lib = std::make_unique<LoadedLibrary>();
    if (auto why = detail::read_provider_decl(out.api, d, plugin->info_, row->info_, row_lib->source_decls)) {
      skip(dir, file, id, "invalid provider declaration: " + *why);
      continue;
    }
    bool twice = false;
    for (const auto& prev : pending_rows_) twice = twice || prev->info_.id == row->info_.id;
    if (twice) {
      skip(dir, file, row->info_.id, "provider '" + row->info_.id + "' is declared twice by " + id);
      continue;
    }
    row_lib->api = out.api;
    row_lib->ctx = detail::make_host_ctx(row->info_.id, services_);
    row->lib_ = std::move(row_lib);
    pending_rows_.push_back(std::move(row));
  }
  plugins_.push_back(std::move(plugin));
}

const PluginInfo* Registry::untyped_profile_runner() const {
  for (const auto& p : plugins_)
    if (p->info_.library_id.empty() && p->info_.runs_untyped_profiles()) return &p->info_;
  return nullptr;
}

void Registry::add_profiles(const std::vector<ProfileSpec>& profiles) {
  for (const auto& spec : profiles) {
    const Plugin* runner = nullptr;
    for (const auto& p : plugins_) {
      const PluginInfo& i = p->info_;
      if (!i.library_id.empty() || i.profile_type.empty()) continue;
      if (spec.type.empty() ? i.runs_untyped_profiles() : i.profile_type == spec.type) {
        runner = p.get();
        break;
      }
    }
    auto refuse = [&](std::string why) { skipped_profiles_.push_back(SkippedProfile{spec.name, std::move(why)}); };
    if (!runner) {
      refuse(spec.type.empty() ? spec.where + ": no installed plugin runs profiles (`jcode plugins list` shows what is "
                                              "installed)"
                               : spec.where + ": no installed plugin runs profiles of type '" + spec.type + "'");
      continue;
    }
    if (const PluginInfo* taken = find(spec.name)) {
      refuse(spec.where + ": '" + spec.name + "' is also an installed provider (" + taken->display_name +
             "), which wins; rename the profile");
      continue;
    }
    if (spec.base_url.empty()) {
      refuse(spec.where + " has no base_url; set it to the API base (e.g. https://llm.example.com/v1)");
      continue;
    }
    const PluginInfo& lib_info = runner->info_;
    auto prof = std::unique_ptr<Plugin>(new Plugin());
    auto lib = std::make_unique<LoadedLibrary>();
    PluginInfo& info = prof->info_;
    info = lib_info;
    info.id = spec.name;
    info.display_name = spec.name;
    info.description = "profile " + spec.where + " (" + spec.base_url + ")";
    info.library_id = lib_info.id;
    info.profile = true;
    info.profile_type.clear();
    info.aliases.clear();
    info.config_keys.reset();  // its settings are the profile's table, not [plugins.<name>]
    info.endpoints = {EndpointDecl{"api", spec.base_url, "the profile's base_url", true}};
    info.sources.clear();
    if (info.transport && !spec.default_model.empty()) info.transport->default_model = spec.default_model;
    if (!spec.api_key_env.empty()) {
      auto add = [&](int32_t kind, std::string sid, std::string location, std::string key, std::string label,
                     uint32_t flags) {
        auto o = std::make_unique<LoadedLibrary::OwnedSource>();
        o->id = std::move(sid);
        o->location = std::move(location);
        o->key = std::move(key);
        o->label = std::move(label);
        o->decl = jcode_source_decl{sizeof(jcode_source_decl), kind, o->id.c_str(), o->location.c_str(),
                                    o->key.empty() ? nullptr : o->key.c_str(), o->label.c_str(), JCODE_CRED_API_KEY,
                                    flags};
        info.sources.push_back(detail::to_model(o->decl, static_cast<int>(info.sources.size())));
        lib->source_decls.push_back(&o->decl);
        lib->owned_sources.push_back(std::move(o));
      };
      add(JCODE_SOURCE_ENV_VAR, "profile_api_key_env", spec.api_key_env, "", spec.api_key_env, 0);
      if (!spec.env_file.empty())
        add(JCODE_SOURCE_APP_ENV_FILE, "profile_env_file", spec.env_file, spec.api_key_env, spec.env_file,
            JCODE_SOURCE_F_LOGIN_TARGET);
    }
    if (info.sources.empty()) {
      // Nothing to look up and nothing to log in to: the profile sends no key.
      info.credential_optional = false;
      if (info.login) info.login.reset();
      info.roles &= ~JCODE_ROLE_LOGIN;
    }
    lib->api = runner->lib_->api;
    lib->ctx = detail::make_host_ctx(info.id, services_);
    prof->lib_ = std::move(lib);
    plugins_.push_back(std::move(prof));
  }
}

Result<Plugin*> Registry::instance(std::string_view id) {
  Plugin* plugin = nullptr;
  for (const auto& p : plugins_)
    if (p->info_.id == id) plugin = p.get();
  if (!plugin) return not_found(id);
  std::lock_guard lock(plugin->call_mu_);
  if (!plugin->create_tried_) {
    plugin->create_tried_ = true;
    if (auto st = services().check_config(plugin->info_); !st) {
      plugin->create_error_ = st.error();
      return *plugin->create_error_;
    }
    LoadedLibrary& lib = *plugin->lib_;
    detail::CallScope scope(lib.ctx.get());
    jcode_instance* inst = nullptr;
    jcode_status st = JCODE_E_INTERNAL;
    try {
      st = lib.api->create(lib.ctx.get(), &inst);
    } catch (...) {
      plugin->create_error_ =
          Error{JCODE_E_INTERNAL, "provider '" + plugin->info_.id + "': a C++ exception escaped create()"};
    }
    if (!plugin->create_error_) {
      if (st != JCODE_OK)
        plugin->create_error_ = scope.error(st, "create", plugin->reason_string(st));
      else if (!inst)
        plugin->create_error_ = Error{JCODE_E_INTERNAL, "provider '" + plugin->info_.id + "': create() returned no instance"};
    }
    if (!plugin->create_error_) {
      lib.instance = inst;
      std::lock_guard order(creation_mu_);
      creation_order_.push_back(plugin);
    } else {
      plugin->create_error_->message = "cannot start " + plugin->create_error_->message;
    }
  }
  if (plugin->create_error_) return *plugin->create_error_;
  return plugin;
}

}  // namespace jcode::plugins
