#include <jcode/plugins/file_check.hpp>

#include <system_error>

namespace jcode::plugins {
namespace {

std::string owner_problem(const struct stat& st, uid_t user, const char* what) {
  return std::string(what) + " is owned by uid " + std::to_string(st.st_uid) +
         ", not by root or the user running jcode (uid " + std::to_string(user) + ")";
}

}  // namespace

std::optional<std::string> unsafe_file_reason(const struct stat& st, uid_t user) {
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  if (st.st_uid != 0 && st.st_uid != user) return owner_problem(st, user, "the file");
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return std::string("the file is writable by ") + ((st.st_mode & S_IWOTH) ? "others" : "its group") +
           " (fix: chmod go-w)";
  return std::nullopt;
}

std::optional<std::string> unsafe_dir_reason(const struct stat& st, uid_t user, bool is_parent) {
  if (!S_ISDIR(st.st_mode)) return "not a directory";
  if (st.st_uid != 0 && st.st_uid != user) return owner_problem(st, user, "the directory");
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    const bool sticky_root = is_parent && st.st_uid == 0 && (st.st_mode & S_ISVTX);
    if (!sticky_root)
      return std::string("the directory is writable by ") + ((st.st_mode & S_IWOTH) ? "others" : "its group") +
             " (fix: chmod go-w)";
  }
  return std::nullopt;
}

std::optional<std::string> unsafe_directory_chain(const std::filesystem::path& dir,
                                                  const std::filesystem::path& stop_at,
                                                  uid_t user) {
  std::error_code ec;
  auto real = std::filesystem::canonical(dir, ec);
  if (ec) return "cannot resolve " + dir.string() + ": " + ec.message();
  std::filesystem::path stop;
  if (!stop_at.empty()) {
    stop = std::filesystem::canonical(stop_at, ec);
    if (ec) stop.clear();
  }
  bool first = true;
  for (auto p = real;; p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return "cannot stat " + p.string();
    if (auto why = unsafe_dir_reason(st, user, !first)) return p.string() + ": " + *why;
    first = false;
    if (p == stop || p == p.root_path() || !p.has_parent_path() || p.parent_path() == p) break;
  }
  return std::nullopt;
}

}  // namespace jcode::plugins
