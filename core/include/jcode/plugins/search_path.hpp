// Where plugins are looked for. The inputs are a plain struct so tests (and `jcode plugins
// list`) can pass explicit values; SearchInputs::from_process() reads the real ones.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace jcode::plugins {

struct SearchDir {
  std::filesystem::path path;
  std::string origin;  // "JCODE_PLUGIN_PATH", "user", "system", "build"
};

struct SearchInputs {
  std::optional<std::string> plugin_path;    // JCODE_PLUGIN_PATH (colon list)
  std::optional<std::string> xdg_data_home;  // XDG_DATA_HOME
  std::optional<std::string> home;           // HOME
  std::filesystem::path system_dir;          // <libdir>/jcode/plugins/1 (see relocated_system_dir)
  std::filesystem::path build_dir;           // <build>/plugins/1
  std::filesystem::path build_root;          // the build tree containing build_dir
  std::filesystem::path executable;          // the running program (/proc/self/exe)
  bool elevated = false;                     // setuid/setgid or AT_SECURE

  static SearchInputs from_process();
};

struct SearchPlan {
  std::vector<SearchDir> dirs;        // in priority order: first match per id wins
  std::vector<std::string> warnings;  // ignored entries, with why
};

// Order: JCODE_PLUGIN_PATH entries (absolute only; none when elevated), the user dir
// $XDG_DATA_HOME/jcode/plugins/1 (default ~/.local/share/jcode/plugins/1), the system dir,
// and the build-tree dir when the executable lives inside build_root. Duplicates removed.
SearchPlan search_dirs(const SearchInputs& in);

// The system dir of an installed tree that may have moved: from_bindir is the build-time path
// from <bindir> to <libdir>/jcode/plugins/1 (relative), applied to the running executable's
// directory. Empty when either input is unusable. from_process() uses it when that directory
// exists, else the absolute build-time directory.
std::filesystem::path relocated_system_dir(const std::filesystem::path& executable,
                                           const std::filesystem::path& from_bindir);

// True when the process runs with privileges its invoker may not have (setuid/setgid,
// file capabilities): getauxval(AT_SECURE) or real != effective ids.
bool running_elevated();

}  // namespace jcode::plugins
