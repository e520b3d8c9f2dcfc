#include <jcode/plugins/search_path.hpp>

#include <sys/auxv.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace jcode::plugins {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string(v);
}

// Whether p lies inside root (both made absolute and normalised lexically; symlinks are the
// caller's business: /proc/self/exe is already canonical).
bool is_inside(const std::filesystem::path& p, const std::filesystem::path& root) {
  if (p.empty() || root.empty()) return false;
  auto a = p.lexically_normal();
  auto b = root.lexically_normal();
  auto rel = a.lexically_relative(b);
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

bool running_elevated() {
  return getauxval(AT_SECURE) != 0 || getuid() != geteuid() || getgid() != getegid();
}

SearchInputs SearchInputs::from_process() {
  SearchInputs in;
  in.elevated = running_elevated();
  in.plugin_path = env("JCODE_PLUGIN_PATH");
  in.xdg_data_home = env("XDG_DATA_HOME");
  in.home = env("HOME");
  std::error_code ec;
  in.executable = std::filesystem::read_symlink("/proc/self/exe", ec);
#ifdef JCODE_SYSTEM_PLUGIN_DIR
  in.system_dir = JCODE_SYSTEM_PLUGIN_DIR;
#endif
#ifdef JCODE_SYSTEM_PLUGIN_DIR_FROM_BINDIR
  // An installed tree that was moved (a package unpacked under another root, a tarball in
  // /opt) keeps its plugins beside its executable: prefer that directory when it exists.
  auto relocated = relocated_system_dir(in.executable, JCODE_SYSTEM_PLUGIN_DIR_FROM_BINDIR);
  if (!relocated.empty() && std::filesystem::is_directory(relocated, ec)) in.system_dir = relocated;
#endif
#ifdef JCODE_BUILD_PLUGIN_DIR
  in.build_dir = JCODE_BUILD_PLUGIN_DIR;
  // The build tree is <build>/plugins/1's grandparent (CMAKE_BINARY_DIR).
  in.build_root = in.build_dir.parent_path().parent_path();
#endif
  return in;
}

std::filesystem::path relocated_system_dir(const std::filesystem::path& executable,
                                           const std::filesystem::path& from_bindir) {
  if (!executable.is_absolute() || from_bindir.empty() || from_bindir.is_absolute()) return {};
  return (executable.parent_path() / from_bindir).lexically_normal();
}

SearchPlan search_dirs(const SearchInputs& in) {
  SearchPlan plan;
  auto add = [&](std::filesystem::path p, const char* origin) {
    p = p.lexically_normal();
    if (p.empty()) return;
    for (const auto& d : plan.dirs)
      if (d.path == p) return;
    plan.dirs.push_back(SearchDir{std::move(p), origin});
  };

  if (in.plugin_path && !in.plugin_path->empty()) {
    if (in.elevated) {
      plan.warnings.push_back(
          "JCODE_PLUGIN_PATH is ignored: jcode runs with elevated privileges (setuid/setgid)");
    } else {
      std::string_view rest = *in.plugin_path;
      while (true) {
        auto colon = rest.find(':');
        std::string_view entry = rest.substr(0, colon);
        if (!entry.empty()) {
          std::filesystem::path p(entry);
          if (p.is_absolute())
            add(p, "JCODE_PLUGIN_PATH");
          else
            plan.warnings.push_back("JCODE_PLUGIN_PATH entry '" + std::string(entry) +
                                    "' is ignored: plugin directories must be absolute paths");
        }
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
      }
    }
  }

  // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
  if (in.xdg_data_home && !in.xdg_data_home->empty() && std::filesystem::path(*in.xdg_data_home).is_absolute())
    add(std::filesystem::path(*in.xdg_data_home) / "jcode/plugins/1", "user");
  else if (in.home && !in.home->empty() && std::filesystem::path(*in.home).is_absolute())
    add(std::filesystem::path(*in.home) / ".local/share/jcode/plugins/1", "user");

  if (!in.system_dir.empty()) add(in.system_dir, "system");

  if (!in.build_dir.empty() && is_inside(in.executable, in.build_root)) add(in.build_dir, "build");
  return plan;
}

}  // namespace jcode::plugins
