#include <jcode/paths/paths.hpp>

#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace jcode::paths {
namespace {

namespace stdfs = std::filesystem;

Result<stdfs::path> absolute_var(const Env& env, std::string_view name) {
  auto v = non_empty(env, name);
  if (!v) return Error{JCODE_E_NOT_FOUND, std::string(name) + " is not set"};
  stdfs::path p(*v);
  if (!p.is_absolute()) {
    return Error{JCODE_E_INVALID_ARG, std::string(name) + "='" + *v +
                                          "' is not an absolute path; set it to an absolute directory or unset it"};
  }
  return p.lexically_normal();
}

// XDG spec: "If an implementation encounters a relative path in any of these variables it
// should consider the path invalid and ignore it."
std::optional<stdfs::path> xdg_var(const Env& env, std::string_view name) {
  auto v = non_empty(env, name);
  if (!v) return std::nullopt;
  stdfs::path p(*v);
  if (!p.is_absolute()) return std::nullopt;
  return p.lexically_normal();
}

}  // namespace

Result<stdfs::path> home_dir(const Env& env) {
  if (non_empty(env, "HOME")) return absolute_var(env, "HOME");
  long len = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(len > 0 ? static_cast<std::size_t>(len) : 16384);
  struct passwd pw;
  struct passwd* out = nullptr;
  if (::getpwuid_r(::geteuid(), &pw, buf.data(), buf.size(), &out) == 0 && out != nullptr &&
      out->pw_dir != nullptr && out->pw_dir[0] == '/') {
    return stdfs::path(out->pw_dir);
  }
  return Error{JCODE_E_NOT_FOUND,
               "cannot find your home directory: HOME is not set and the user database has no entry; set HOME"};
}

Result<stdfs::path> jcode_home(const Env& env) {
  if (non_empty(env, "JCODE_HOME")) return absolute_var(env, "JCODE_HOME");
  auto home = home_dir(env);
  if (!home.ok()) return std::move(home).error();
  return *home / ".jcode";
}

Result<stdfs::path> app_config_dir(const Env& env) {
  if (non_empty(env, "JCODE_HOME")) {
    auto jh = absolute_var(env, "JCODE_HOME");
    if (!jh.ok()) return std::move(jh).error();
    return *jh / "config" / "jcode";
  }
  if (auto x = xdg_var(env, "XDG_CONFIG_HOME")) return *x / "jcode";
  auto home = home_dir(env);
  if (!home.ok()) return std::move(home).error();
  return *home / ".config" / "jcode";
}

Result<stdfs::path> data_home(const Env& env) {
  if (auto x = xdg_var(env, "XDG_DATA_HOME")) return *x;
  auto home = home_dir(env);
  if (!home.ok()) return std::move(home).error();
  return *home / ".local" / "share";
}

namespace {

Result<stdfs::path> expand_under(std::string_view path, const Result<stdfs::path>& base) {
  if (path == "~" || path.starts_with("~/")) {
    if (!base.ok()) return base.error();
    std::string_view rest = path.size() > 2 ? path.substr(2) : std::string_view{};
    for (const auto& part : stdfs::path(rest)) {
      if (part == "..") {
        return Error{JCODE_E_INVALID_ARG, "'" + std::string(path) + "' climbs out of the home directory with '..'; write the path without '..'"};
      }
    }
    return rest.empty() ? *base : (*base / stdfs::path(rest)).lexically_normal();
  }
  if (path.starts_with("~")) {
    return Error{JCODE_E_INVALID_ARG, "'" + std::string(path) + "': ~user paths are not supported; write the full path"};
  }
  stdfs::path p(path);
  if (!p.is_absolute()) {
    return Error{JCODE_E_INVALID_ARG, "'" + std::string(path) + "' is a relative path; use ~/… or an absolute path"};
  }
  return p.lexically_normal();
}

}  // namespace

Result<stdfs::path> expand_user(std::string_view path, const Env& env) {
  if (path == "~" || path.starts_with("~/")) return expand_under(path, home_dir(env));
  return expand_under(path, Error{JCODE_E_INTERNAL, "unused"});
}

Result<stdfs::path> external_path(std::string_view location, const Env& env) {
  if (!(location == "~" || location.starts_with("~/"))) return expand_user(location, env);
  if (non_empty(env, "JCODE_HOME")) {
    auto jh = absolute_var(env, "JCODE_HOME");
    if (!jh.ok()) return std::move(jh).error();
    return expand_under(location, Result<stdfs::path>(*jh / "external"));
  }
  return expand_under(location, home_dir(env));
}

}  // namespace jcode::paths
