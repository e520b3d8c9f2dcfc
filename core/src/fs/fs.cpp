#include <jcode/fs/fs.hpp>
#include <jcode/text/text.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace jcode::fs {
namespace {

namespace stdfs = std::filesystem;

std::string quoted(const stdfs::path& p) { return "'" + p.string() + "'"; }

std::string errno_text(int err) { return std::strerror(err); }

Error io_error(int err, std::string what) {
  int32_t status = JCODE_E_IO;
  if (err == ENOENT || err == ENOTDIR) status = JCODE_E_NOT_FOUND;
  if (err == EACCES || err == EPERM) status = JCODE_E_DENIED;
  return Error{status, std::move(what) + ": " + errno_text(err)};
}

// Closes a descriptor on scope exit; close errors on read-only fds carry no information.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { int f = fd_; fd_ = -1; return f; }
  void reset(int next = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = next;
  }

 private:
  int fd_;
};

stdfs::path parent_of(const stdfs::path& p) {
  auto parent = p.parent_path();
  return parent.empty() ? stdfs::path(".") : parent;
}

std::string random_suffix() {
  unsigned char buf[8];
  std::size_t got = 0;
  while (got < sizeof buf) {
    ssize_t n = ::getrandom(buf + got, sizeof buf - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      // Uniqueness, not secrecy, is what matters here; O_EXCL catches a collision.
      auto t = static_cast<unsigned long long>(std::time(nullptr)) ^
               reinterpret_cast<std::uintptr_t>(&got);
      std::memcpy(buf, &t, sizeof buf);
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  return text::hex_encode(std::string_view(reinterpret_cast<const char*>(buf), sizeof buf));
}

// A new `<name>.tmp.<pid>.<random>` in dirfd (O_EXCL, never through a link, mode 0600); its
// name in `tmp`. -1 with errno on failure.
int create_temp(int dirfd, const std::string& name, std::string& tmp) {
  int fd = -1;
  for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
    tmp = name + ".tmp." + std::to_string(::getpid()) + "." + random_suffix();
    fd = ::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd >= 0) (void)::flock(fd, LOCK_EX | LOCK_NB);  // see remove_stale_temps
  return fd;
}

// The temp of atomic_write, locked before it has a name: an unnamed O_TMPFILE file is
// flock'ed, filled, and only then linked in as `<name>.tmp.<pid>.<random>.l`. Any such
// name whose lock can be taken belongs to a writer that is gone, so the next write removes
// it at once. -1 (errno set) where the filesystem or /proc cannot do this; the caller then
// uses create_temp.
int create_locked_tempfile(int dirfd, mode_t mode) {
  int fd = ::openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode & 0777);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

bool link_tempfile(int fd, int dirfd, const std::string& name, std::string& tmp) {
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  for (int attempt = 0; attempt < 8; ++attempt) {
    tmp = name + ".tmp." + std::to_string(::getpid()) + "." + random_suffix() + ".l";
    if (::linkat(AT_FDCWD, self.c_str(), dirfd, tmp.c_str(), AT_SYMLINK_FOLLOW) == 0) return true;
    if (errno != EEXIST) break;
  }
  tmp.clear();
  return false;
}

bool write_all(int fd, std::string_view bytes, int& err) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

Result<std::string> read_all(int fd, const stdfs::path& path, std::size_t max_bytes,
                             std::size_t size_hint) {
  std::string out;
  out.reserve(std::min(size_hint, max_bytes));
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(errno, "cannot read " + quoted(path));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return Error{JCODE_E_IO, "refusing to read " + quoted(path) + ": larger than " +
                                   std::to_string(max_bytes) + " bytes"};
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

FileIdentity identity_of(const struct stat& st) {
  FileIdentity id;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  id.uid = st.st_uid;
  id.mode = st.st_mode;
  id.size = static_cast<int64_t>(st.st_size);
  id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  return id;
}

}  // namespace

std::size_t remove_stale_temps(const stdfs::path& target, std::chrono::seconds min_age) {
  const auto dir = parent_of(target);
  const std::string prefix = target.filename().string() + ".tmp.";
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dfd.valid()) return 0;
  // fdopendir takes ownership of its own duplicate so dfd stays usable for unlinkat.
  DIR* d = ::fdopendir(::dup(dfd.get()));
  if (d == nullptr) return 0;
  const std::time_t now = std::time(nullptr);
  std::size_t removed = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) continue;
    struct stat st;
    if (::fstatat(dfd.get(), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) continue;
    // A live writer holds the lock on its temp until it has renamed it: never touch those.
    // A ".l" temp was locked before it had a name, so an unlocked one is a dead writer's;
    // any other may be a writer between its create and its flock, so it must also be old.
    Fd probe(::openat(dfd.get(), e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!probe.valid()) continue;
    const bool lockable = ::flock(probe.get(), LOCK_EX | LOCK_NB) == 0;
    const bool lock_unsupported = !lockable && errno != EWOULDBLOCK;
    if (!lockable && !lock_unsupported) continue;
    const bool locked_before_named = lockable && name.size() > 2 && name.substr(name.size() - 2) == ".l";
    if (!locked_before_named && now - st.st_mtim.tv_sec < min_age.count()) continue;
    if (::unlinkat(dfd.get(), e->d_name, 0) == 0) ++removed;
  }
  ::closedir(d);
  return removed;
}

Status atomic_write(const stdfs::path& path, std::string_view bytes, mode_t mode) {
  if (path.filename().empty()) {
    return Error{JCODE_E_INVALID_ARG, "cannot write " + quoted(path) + ": not a file path"};
  }
  const auto dir = parent_of(path);
  if (::access(dir.c_str(), F_OK) != 0) {
    if (auto st = ensure_private_dir(dir); !st.ok()) return st;
  }
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dfd.valid()) return io_error(errno, "cannot write " + quoted(path) + ": cannot open its directory");

  remove_stale_temps(path);

  const std::string name = path.filename().string();
  std::string tmp;  // empty while the temp has no name
  int tfd = create_locked_tempfile(dfd.get(), mode);
  if (tfd < 0) tfd = create_temp(dfd.get(), name, tmp);
  if (tfd < 0) {
    return io_error(errno, "cannot write " + quoted(path) + ": cannot create a temporary file in " + quoted(dir));
  }
  Fd fd(tfd);

  auto fail = [&](int err, const char* step) -> Status {
    fd.reset();
    if (!tmp.empty()) ::unlinkat(dfd.get(), tmp.c_str(), 0);
    return io_error(err, "cannot write " + quoted(path) + " (" + step + "); the previous content is unchanged");
  };
  auto fill = [&]() -> Status {
    if (::fchmod(fd.get(), mode) != 0) return fail(errno, "chmod");
    int err = 0;
    if (!write_all(fd.get(), bytes, err)) return fail(err, "write");
    if (::fsync(fd.get()) != 0) return fail(errno, "fsync");
    return {};
  };
  if (auto st = fill(); !st.ok()) return st;
  if (tmp.empty() && !link_tempfile(fd.get(), dfd.get(), name, tmp)) {
    // No /proc to link through: start again with a named temp.
    fd.reset();
    tfd = create_temp(dfd.get(), name, tmp);
    if (tfd < 0) return io_error(errno, "cannot write " + quoted(path) + ": cannot create a temporary file in " + quoted(dir));
    fd.reset(tfd);
    if (auto st = fill(); !st.ok()) return st;
  }
  // The descriptor, and with it the lock, is held until the rename: a concurrent writer's
  // cleanup must see this temp as live.
  if (::renameat(dfd.get(), tmp.c_str(), dfd.get(), name.c_str()) != 0) return fail(errno, "rename");
  tmp.clear();
  if (::close(fd.release()) != 0) return io_error(errno, "wrote " + quoted(path) + " but closing it failed");
  // The rename is durable only once the directory entry is; a failure here cannot be undone
  // (the new content is in place) so it is reported, not rolled back.
  if (::fsync(dfd.get()) != 0 && errno != EINVAL) {
    return io_error(errno, "wrote " + quoted(path) + " but could not fsync its directory");
  }
  return {};
}

Status probe_write(const stdfs::path& path, std::size_t bytes) {
  if (path.filename().empty()) return Error{JCODE_E_INVALID_ARG, "cannot write " + quoted(path) + ": not a file path"};
  const auto dir = parent_of(path);
  if (auto st = ensure_private_dir(dir); !st.ok()) return st;
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dfd.valid()) return io_error(errno, "cannot write " + quoted(path) + ": cannot open its directory");
  std::string tmp;
  Fd fd(create_temp(dfd.get(), path.filename().string(), tmp));
  if (!fd.valid()) return io_error(errno, "cannot write " + quoted(path) + ": cannot create a file in " + quoted(dir));
  int err = 0;
  // Real blocks, not a sparse hole: a full disk must fail here, not at the save.
  const int rc = bytes == 0 ? 0 : ::posix_fallocate(fd.get(), 0, static_cast<off_t>(bytes));
  if (rc == EOPNOTSUPP || rc == EINVAL) {
    const std::string zeros(bytes, '\0');
    (void)write_all(fd.get(), zeros, err);  // sets err on failure
  } else if (rc != 0) {
    err = rc;
  }
  if (err == 0 && ::fsync(fd.get()) != 0) err = errno;
  fd.reset();
  ::unlinkat(dfd.get(), tmp.c_str(), 0);
  if (err != 0) return io_error(err, "cannot write " + quoted(path) + " (no room for " + std::to_string(bytes) + " bytes?)");
  return {};
}

Result<std::string> read_private_file(const stdfs::path& path, std::vector<std::string>* warnings, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ELOOP)
      return Error{JCODE_E_DENIED, "refusing to use " + quoted(path) + ": it is a symbolic link. jcode's own credential "
                                       "files must be regular files (a refresh replaces the file, which would leave the "
                                       "link's target with spent tokens): replace the link with the file it points to, or "
                                       "point JCODE_HOME at that file's directory"};
    return io_error(errno, "cannot read " + quoted(path));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return io_error(errno, "cannot read " + quoted(path));
  if (!S_ISREG(st.st_mode)) return Error{JCODE_E_IO, "cannot read " + quoted(path) + ": not a regular file"};
  if (st.st_uid != ::geteuid())
    return Error{JCODE_E_DENIED, "refusing to use " + quoted(path) + ": it is owned by uid " + std::to_string(st.st_uid) +
                                     ", not by you (anyone who can write it can replace your login); move it aside and log in again"};
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    if (::fchmod(fd.get(), st.st_mode & 0700) != 0) return io_error(errno, "cannot tighten permissions of " + quoted(path));
    if (warnings != nullptr)
      warnings->push_back(quoted(path) + " was readable or writable by other users (mode " + mode +
                          "); its mode is now 0600. If others could read it, log in again to replace the tokens");
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes)
    return Error{JCODE_E_IO, "refusing to read " + quoted(path) + ": " + std::to_string(st.st_size) +
                                 " bytes is more than the limit of " + std::to_string(max_bytes)};
  return read_all(fd.get(), path, max_bytes, static_cast<std::size_t>(st.st_size));
}

Status ensure_private_dir(const stdfs::path& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return Error{JCODE_E_IO, quoted(dir) + " exists but is not a directory; move it aside"};
    }
    if (st.st_uid != ::geteuid()) {
      return Error{JCODE_E_DENIED, "refusing to use " + quoted(dir) + ": it is owned by uid " +
                                       std::to_string(st.st_uid) + ", not by you"};
    }
    if ((st.st_mode & 022) != 0) {
      return Error{JCODE_E_DENIED, "refusing to use " + quoted(dir) +
                                       ": it is writable by other users; run: chmod 700 " + quoted(dir)};
    }
    if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
      return io_error(errno, "cannot tighten permissions of " + quoted(dir));
    }
    return {};
  }
  if (errno != ENOENT) return io_error(errno, "cannot use directory " + quoted(dir));
  const auto parent = dir.parent_path();
  if (!parent.empty() && parent != dir && ::access(parent.c_str(), F_OK) != 0) {
    // Missing ancestors are created 0700 too, without the ownership checks of the target.
    if (auto s = ensure_private_dir(parent); !s.ok()) return s;
  }
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) return ensure_private_dir(dir);  // lost a race: check what is there
    return io_error(errno, "cannot create directory " + quoted(dir));
  }
  // mkdir applies the umask, which may leave the owner without access; set it exactly.
  if (::chmod(dir.c_str(), 0700) != 0) return io_error(errno, "cannot set permissions of " + quoted(dir));
  return {};
}

Result<std::string> read_file(const stdfs::path& path, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return io_error(errno, "cannot read " + quoted(path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return io_error(errno, "cannot read " + quoted(path));
  if (!S_ISREG(st.st_mode)) {
    return Error{JCODE_E_IO, "cannot read " + quoted(path) + ": not a regular file"};
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    return Error{JCODE_E_IO, "refusing to read " + quoted(path) + ": " + std::to_string(st.st_size) +
                                 " bytes is more than the limit of " + std::to_string(max_bytes)};
  }
  return read_all(fd.get(), path, max_bytes, static_cast<std::size_t>(st.st_size));
}

Result<FileIdentity> lstat_identity(const stdfs::path& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return io_error(errno, "cannot inspect " + quoted(path));
  return identity_of(st);
}

Result<ExternalFile> open_external_readonly(const stdfs::path& path, std::size_t max_bytes) {
  constexpr int base = O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
  // O_NOATIME keeps the other tool's atime untouched; the kernel allows it only to the owner.
  int fdnum = ::open(path.c_str(), base | O_NOATIME);
  if (fdnum < 0 && errno == EPERM) fdnum = ::open(path.c_str(), base);
  if (fdnum < 0) {
    if (errno == ELOOP) {
      return Error{JCODE_E_DENIED, "refusing to read " + quoted(path) + ": it is a symlink"};
    }
    return io_error(errno, "cannot read " + quoted(path));
  }
  Fd fd(fdnum);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return io_error(errno, "cannot read " + quoted(path));
  if (!S_ISREG(st.st_mode)) {
    return Error{JCODE_E_DENIED, "refusing to read " + quoted(path) + ": not a regular file"};
  }
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    return Error{JCODE_E_DENIED, "refusing to read " + quoted(path) + ": it is owned by uid " +
                                     std::to_string(st.st_uid) + ", not by you or root"};
  }
  if ((st.st_mode & S_IWOTH) != 0) {
    return Error{JCODE_E_DENIED, "refusing to read " + quoted(path) +
                                     ": any user can write it; run: chmod o-w " + quoted(path)};
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    return Error{JCODE_E_IO, "refusing to read " + quoted(path) + ": " + std::to_string(st.st_size) +
                                 " bytes is more than the limit of " + std::to_string(max_bytes)};
  }
  auto content = read_all(fd.get(), path, max_bytes, static_cast<std::size_t>(st.st_size));
  if (!content.ok()) return std::move(content).error();
  return ExternalFile{std::move(*content), identity_of(st)};
}

}  // namespace jcode::fs
