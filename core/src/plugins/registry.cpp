#include <jcode/plugins/registry.hpp>

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
  plugins_.push_back(std::move(plugin));
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
