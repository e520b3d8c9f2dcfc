// jcode::plugins pieces that need no plugin file: the search path, the ownership and mode
// rules, file names, status names. (Loading real plugins is tested in tests/abi.)
#include <jcode/plugins/file_check.hpp>
#include <jcode/plugins/registry.hpp>
#include <jcode/plugins/search_path.hpp>
#include <jcode/plugins/status.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;
using namespace jcode::plugins;

namespace {

SearchInputs base_inputs() {
  SearchInputs in;
  in.home = "/home/u";
  in.system_dir = "/usr/lib/jcode/plugins/1";
  in.build_dir = "/src/build/plugins/1";
  in.build_root = "/src/build";
  in.executable = "/usr/bin/jcode";
  return in;
}

std::vector<std::string> paths(const SearchPlan& plan) {
  std::vector<std::string> out;
  for (const auto& d : plan.dirs) out.push_back(d.path.string() + " " + d.origin);
  return out;
}

struct stat mode_stat(mode_t type_and_mode, uid_t uid) {
  struct stat st {};
  st.st_mode = type_and_mode;
  st.st_uid = uid;
  return st;
}

}  // namespace

TEST_CASE("search path: env, user, system; build dir only when run from the build tree") {
  auto in = base_inputs();
  in.plugin_path = "/opt/a:/opt/b::relative/dir:/opt/a";
  auto plan = search_dirs(in);
  CHECK(paths(plan) == std::vector<std::string>{"/opt/a JCODE_PLUGIN_PATH", "/opt/b JCODE_PLUGIN_PATH",
                                                 "/home/u/.local/share/jcode/plugins/1 user",
                                                 "/usr/lib/jcode/plugins/1 system"});
  REQUIRE(plan.warnings.size() == 1);
  CHECK(plan.warnings[0].find("'relative/dir' is ignored") != std::string::npos);

  in.plugin_path.reset();
  in.xdg_data_home = "/data";
  in.executable = "/src/build/tools/jcode/jcode";
  CHECK(paths(search_dirs(in)) == std::vector<std::string>{"/data/jcode/plugins/1 user",
                                                            "/usr/lib/jcode/plugins/1 system",
                                                            "/src/build/plugins/1 build"});
  in.executable = "/src/buildx/jcode";  // a sibling with a common prefix is not inside
  CHECK(search_dirs(in).dirs.size() == 2);
  in.xdg_data_home = "relative";  // invalid per XDG: falls back to ~/.local/share
  CHECK(search_dirs(in).dirs[0].path == "/home/u/.local/share/jcode/plugins/1");
}

TEST_CASE("search path: JCODE_PLUGIN_PATH is ignored when elevated") {
  auto in = base_inputs();
  in.plugin_path = "/tmp/evil";
  in.elevated = true;
  auto plan = search_dirs(in);
  CHECK(plan.dirs.size() == 2);
  CHECK(plan.dirs[0].origin == "user");
  REQUIRE(plan.warnings.size() == 1);
  CHECK(plan.warnings[0].find("elevated privileges") != std::string::npos);
}

TEST_CASE("search path: the system dir of a moved install is found beside its executable") {
  const fs::path rel = "../lib/x86_64-linux-gnu/jcode/plugins/1";
  CHECK(relocated_system_dir("/usr/bin/jcode", rel) == "/usr/lib/x86_64-linux-gnu/jcode/plugins/1");
  CHECK(relocated_system_dir("/tmp/root/usr/bin/jcode", rel) == "/tmp/root/usr/lib/x86_64-linux-gnu/jcode/plugins/1");
  CHECK(relocated_system_dir("jcode", rel).empty());  // no absolute executable: no guess
  CHECK(relocated_system_dir("/usr/bin/jcode", "/abs").empty());
  CHECK(relocated_system_dir("/usr/bin/jcode", "").empty());
}

TEST_CASE("search path from the real process") {
  auto in = SearchInputs::from_process();
  CHECK_FALSE(in.elevated);
  CHECK(in.executable.filename() == "jcode_unit_tests");
  CHECK_FALSE(in.system_dir.empty());
  CHECK(in.build_dir.filename() == "1");
  // The unit test binary lives in the build tree, so the build dir is searched.
  auto plan = search_dirs(in);
  CHECK(plan.dirs.back().origin == "build");
}

TEST_CASE("plugin files: regular, owned by root or the user, writable by nobody else") {
  const uid_t me = 1000;
  CHECK_FALSE(unsafe_file_reason(mode_stat(S_IFREG | 0755, me), me));
  CHECK_FALSE(unsafe_file_reason(mode_stat(S_IFREG | 0644, 0), me));
  CHECK(*unsafe_file_reason(mode_stat(S_IFREG | 0775, me), me) == "the file is writable by its group (fix: chmod go-w)");
  CHECK(*unsafe_file_reason(mode_stat(S_IFREG | 0757, me), me) == "the file is writable by others (fix: chmod go-w)");
  CHECK(unsafe_file_reason(mode_stat(S_IFREG | 0755, 1001), me)->find("owned by uid 1001") != std::string::npos);
  CHECK(*unsafe_file_reason(mode_stat(S_IFDIR | 0755, me), me) == "not a regular file");
}

TEST_CASE("plugin directories: sticky root-owned parents (/tmp) are fine, the plugin dir itself is not") {
  const uid_t me = 1000;
  CHECK_FALSE(unsafe_dir_reason(mode_stat(S_IFDIR | 0755, me), me, false));
  CHECK(unsafe_dir_reason(mode_stat(S_IFDIR | 0775, me), me, false));
  CHECK_FALSE(unsafe_dir_reason(mode_stat(S_IFDIR | S_ISVTX | 0777, 0), me, true));
  CHECK(unsafe_dir_reason(mode_stat(S_IFDIR | S_ISVTX | 0777, 0), me, false));
  CHECK(unsafe_dir_reason(mode_stat(S_IFDIR | S_ISVTX | 0777, me), me, true));  // sticky but not root's
  CHECK(unsafe_dir_reason(mode_stat(S_IFDIR | 0755, 1001), me, true));
}

TEST_CASE("the directory chain is checked up to HOME") {
  const char* tmp = std::getenv("TMPDIR");
  fs::path base = fs::path(tmp && *tmp ? tmp : "/tmp") / ("jcode-chain-" + std::to_string(::getpid()));
  fs::create_directories(base / "a/b");
  ::chmod(base.c_str(), 0755);
  ::chmod((base / "a").c_str(), 0755);
  ::chmod((base / "a/b").c_str(), 0755);
  CHECK_FALSE(unsafe_directory_chain(base / "a/b", base, ::getuid()));
  ::chmod((base / "a").c_str(), 0777);
  auto why = unsafe_directory_chain(base / "a/b", base, ::getuid());
  REQUIRE(why);
  CHECK(why->find((base / "a").string()) != std::string::npos);
  CHECK(why->find("writable by others") != std::string::npos);
  // Above the stop directory nothing is looked at.
  CHECK_FALSE(unsafe_directory_chain(base / "a/b", base / "a/b", ::getuid()));
  fs::remove_all(base);
}

TEST_CASE("plugin ids come from file names jcode-provider-<id>.so") {
  CHECK(plugin_id_from_filename("jcode-provider-claude.so") == "claude");
  CHECK(plugin_id_from_filename("jcode-provider-azure-openai.so") == "azure-openai");
  CHECK(plugin_id_from_filename("jcode-provider-.so") == "");
  CHECK(plugin_id_from_filename("jcode-provider--x.so") == "");
  CHECK(plugin_id_from_filename("jcode-provider-Claude.so") == "");
  CHECK(plugin_id_from_filename("jcode-provider-claude.so.1") == "");
  CHECK(plugin_id_from_filename("libjcode-provider-claude.so") == "");
  CHECK(plugin_id_from_filename("jcode-provider-a_b.so") == "");
}

TEST_CASE("status names and normalisation") {
  CHECK(status_name(JCODE_E_AUTH_EXPIRED) == "JCODE_E_AUTH_EXPIRED");
  CHECK(status_name(-1500) == "plugin-private");
  CHECK(status_name(-99) == "unknown");
  CHECK(normalize_status(-99) == JCODE_E_INTERNAL);
  CHECK(normalize_status(7) == JCODE_E_INTERNAL);
  CHECK(normalize_status(-1500) == -1500);
  CHECK(normalize_status(JCODE_E_DECLINE) == JCODE_E_DECLINE);
  CHECK(normalize_status(JCODE_OK) == JCODE_OK);
}
