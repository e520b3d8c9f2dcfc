// An exclusive lock between processes: flock(2) on a dedicated lock file that is never
// renamed or written (so atomic replacement of the data files cannot break it). The kernel
// releases it when the holder dies, so a killed process never leaves a stale lock.
#pragma once

#include <jcode/error.hpp>

#include <chrono>
#include <filesystem>
#include <functional>

namespace jcode::auth {

class FileLock {
 public:
  // Creates path (0600; its directory 0700) if needed and takes the lock, waiting at most
  // timeout. JCODE_E_TIMEOUT names the lock file; JCODE_E_CANCELLED when cancelled().
  static Result<FileLock> acquire(const std::filesystem::path& path, std::chrono::milliseconds timeout,
                                  const std::function<bool()>& cancelled = {});

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  void release();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace jcode::auth
