#include <jcode/auth/file_lock.hpp>
#include <jcode/fs/fs.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace jcode::auth {

Result<FileLock> FileLock::acquire(const std::filesystem::path& path, std::chrono::milliseconds timeout,
                                   const std::function<bool()>& cancelled) {
  if (auto st = fs::ensure_private_dir(path.parent_path()); !st) return st.error();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return Error{JCODE_E_IO, "could not open the lock file " + path.string() + ": " + std::strerror(errno)};
  FileLock lock(fd);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return lock;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK)
      return Error{JCODE_E_IO, "could not lock " + path.string() + ": " + std::strerror(errno)};
    if (cancelled && cancelled()) return Error{JCODE_E_CANCELLED, "cancelled while waiting for " + path.string()};
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return Error{JCODE_E_TIMEOUT,
                   "another jcode process has held " + path.string() + " for more than " +
                       std::to_string(timeout.count() / 1000) +
                       " s; retry, or stop the other jcode process (the lock goes away with it)"};
    // flock has no timed wait: back off from 1 ms to 50 ms between attempts.
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() { release(); }

void FileLock::release() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace jcode::auth
