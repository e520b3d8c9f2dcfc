// Safe file primitives for jcode's own secret files and read-only access to other tools'
// files. POSIX only. Every error names the file and, where there is one, the fix.
#pragma once

#include <jcode/error.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>
#include <string_view>

namespace jcode::fs {

inline constexpr std::size_t kDefaultMaxBytes = 16u << 20;  // own files
inline constexpr std::size_t kExternalMaxBytes = 4u << 20;  // other tools' files

// Replaces `path` with `bytes` so that a crash at any moment leaves either the old or the
// new content: an unnamed temp (O_TMPFILE) in the same directory, flock'ed, fchmod(mode)
// whatever the umask, written, fsynced, linked in as `<name>.tmp.<pid>.<random>.l`, renamed
// over the target, then the directory fsynced. Where O_TMPFILE or /proc is missing the temp
// is created by name (`<name>.tmp.<pid>.<random>`, O_CREAT|O_EXCL|O_NOFOLLOW) and locked.
// The lock is held until the rename. On failure the temp is removed and the target
// untouched; there is no in-place fallback. A missing parent directory is created with
// ensure_private_dir. Temps left by a killed writer are removed first (remove_stale_temps).
Status atomic_write(const std::filesystem::path& path, std::string_view bytes, mode_t mode = 0600);

// Removes the leftovers of writers killed between creating and renaming their temp: a
// `<name>.tmp.*` regular file next to `target`, owned by the user, whose flock can be taken
// (no live writer holds it) and which is either a `.l` temp (locked before it had a name,
// so removed at once) or older than `min_age`. Where flock is not supported only the age
// counts. Returns how many were removed. Never follows symlinks.
std::size_t remove_stale_temps(const std::filesystem::path& target,
                               std::chrono::seconds min_age = std::chrono::seconds(60));

// Makes `dir` (and missing parents) exist. Directories it creates get mode 0700 whatever the
// umask. An existing `dir` must be a directory owned by the current user: a group- or
// world-writable one is refused (someone else could have planted files in it); group/other
// read or search bits are removed. Parents that already exist are not touched.
Status ensure_private_dir(const std::filesystem::path& dir);

// Proves that atomic_write(path, <about `bytes` bytes>) can succeed now, without touching
// `path`: the directory passes ensure_private_dir, and a temp file of that size is created,
// allocated, fsynced and removed. Run before an action that cannot be undone (spending a
// refresh token, redeeming an authorization code) whose result must then be saved.
Status probe_write(const std::filesystem::path& path, std::size_t bytes);

// Reads one of jcode's own credential files, as ssh reads its keys: a symbolic link is
// refused (a replace would turn it into a regular file and leave the target stale), a file
// owned by another user is refused, and group/other permission bits are removed with a
// warning in `warnings`. NOT_FOUND when it does not exist.
Result<std::string> read_private_file(const std::filesystem::path& path, std::vector<std::string>* warnings,
                                      std::size_t max_bytes = kDefaultMaxBytes);

// Reads one of jcode's own files (symlinks followed). JCODE_E_NOT_FOUND when it does not
// exist, JCODE_E_IO when it is not a regular file, too large, or unreadable.
Result<std::string> read_file(const std::filesystem::path& path,
                              std::size_t max_bytes = kDefaultMaxBytes);

// Who a file is; stored with a consent so a replaced file is noticed.
struct FileIdentity {
  dev_t dev = 0;
  ino_t ino = 0;
  uid_t uid = 0;
  mode_t mode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

struct ExternalFile {
  std::string content;
  FileIdentity identity;
};

// Reads another tool's file without following a symlink in the last component and without
// changing it (O_RDONLY|O_NOFOLLOW|O_NOCTTY|O_NONBLOCK|O_CLOEXEC, O_NOATIME when allowed).
// All checks are made with fstat on the opened descriptor, which is the one read: a regular
// file, owned by the current user or root, not world-writable, at most max_bytes.
// Symlinks in parent directories are followed (dotfile managers symlink ~/.config).
// JCODE_E_NOT_FOUND when missing, JCODE_E_DENIED when refused, JCODE_E_IO otherwise.
Result<ExternalFile> open_external_readonly(const std::filesystem::path& path,
                                            std::size_t max_bytes = kExternalMaxBytes);

// lstat only (no open, no read): for discovery before consent. NOT_FOUND when missing.
Result<FileIdentity> lstat_identity(const std::filesystem::path& path);

}  // namespace jcode::fs
