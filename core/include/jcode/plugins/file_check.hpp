// Ownership and permission rules a plugin file and its directories must satisfy before any
// code from the file runs (reliability checklist I1): owned by root or the user running
// jcode, writable by nobody else.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace jcode::plugins {

// Why a plugin file with this status is unsafe to load, or nullopt when it is fine.
std::optional<std::string> unsafe_file_reason(const struct stat& st, uid_t user);

// Why a directory with this status may not hold plugins (or be a parent of one). Parents
// (is_parent) may be world-writable with the sticky bit set when owned by root (/tmp): there
// nobody else can rename or replace our entries.
std::optional<std::string> unsafe_dir_reason(const struct stat& st, uid_t user, bool is_parent);

// Checks dir and each parent up to and including stop_at (when dir is inside it) or up to /.
// Symlinks are resolved first (the real directories are what matters).
std::optional<std::string> unsafe_directory_chain(const std::filesystem::path& dir,
                                                  const std::filesystem::path& stop_at,
                                                  uid_t user);

}  // namespace jcode::plugins
