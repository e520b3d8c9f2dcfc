// posix_spawn + pipes + poll. The child gets its own process group so stopping it also
// stops whatever it started; a pidfd tells us when it exits without SIGCHLD handlers (which
// would be process-global) and without sleeping.
#include <jcode/process/process.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

extern char** environ;

namespace jcode::process {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kCancelPoll{200};
// Without a pidfd (kernel < 5.3) exit is noticed by polling waitpid at this period.
constexpr milliseconds kExitPoll{20};

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

bool make_pipe(Fd& read_end, Fd& write_end) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return false;
  read_end = Fd(p[0]);
  write_end = Fd(p[1]);
  return true;
}

void set_nonblock(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string errno_text(int err) { return std::strerror(err); }

// The child's environment: ours, minus env_remove and overridden names, plus spec.env.
std::vector<std::string> child_env(const Spec& spec) {
  std::vector<std::string> out;
  auto overridden = [&](std::string_view entry) {
    const std::string_view name = entry.substr(0, entry.find('='));
    for (const auto& kv : spec.env) {
      if (kv.first == name) return true;
    }
    return std::find(spec.env_remove.begin(), spec.env_remove.end(), name) !=
           spec.env_remove.end();
  };
  for (char** e = environ; e && *e; ++e) {
    if (!overridden(*e)) out.emplace_back(*e);
  }
  for (const auto& [k, v] : spec.env) out.push_back(k + "=" + v);
  return out;
}

std::optional<std::string> env_value(const std::vector<std::string>& env, std::string_view name) {
  for (const std::string& e : env) {
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=') {
      return e.substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

std::vector<char*> c_array(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// write() to a pipe whose reader is gone raises SIGPIPE; block it for this thread around
// the write and swallow the one the write raised, so the process-wide disposition stays
// whatever the host chose.
ssize_t write_nosigpipe(int fd, const char* data, size_t len) {
  sigset_t pipe_set, old_mask, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const ssize_t n = ::write(fd, data, len);
  const int err = errno;
  if (n < 0 && err == EPIPE && !was_pending) {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) == -1 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = err;
  return n;
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// A spawned child, always reaped by the time this object dies.
class Child {
 public:
  Child(pid_t pid, Fd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  ~Child() {
    if (!reaped_) stop(milliseconds(0));
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  int pidfd() const { return pidfd_.get(); }
  bool exited() const { return reaped_; }
  int status() const { return status_; }

  // Non-blocking check; true once the child has exited (and is reaped).
  bool poll_exit() {
    if (reaped_) return true;
    int st = 0;
    pid_t r;
    do {
      r = ::waitpid(pid_, &st, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      reaped_ = true;
      status_ = r == pid_ ? st : 0;
    }
    return reaped_;
  }

  // Waits up to `limit` for the exit; true if it exited.
  bool wait_for(milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    for (;;) {
      if (poll_exit()) return true;
      if (Clock::now() >= deadline) return false;
      const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
      if (pidfd_) {
        pollfd p{pidfd_.get(), POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(left.count()));
      } else {
        ::poll(nullptr, 0, static_cast<int>(std::min(left, kExitPoll).count()));
      }
    }
  }

  // SIGTERM to the group, then SIGKILL after grace; always reaps.
  void stop(milliseconds grace) {
    if (poll_exit()) return;
    ::kill(-pid_, SIGTERM);
    ::kill(pid_, SIGTERM);  // in case it left its group
    if (grace.count() > 0 && wait_for(grace)) {
      ::kill(-pid_, SIGKILL);  // leftovers of the group
      return;
    }
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    int st = 0;
    pid_t r;
    do {
      r = ::waitpid(pid_, &st, 0);
    } while (r < 0 && errno == EINTR);
    reaped_ = true;
    status_ = st;
  }

 private:
  pid_t pid_;
  Fd pidfd_;
  bool reaped_ = false;
  int status_ = 0;
};

struct SpawnAttrs {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  SpawnAttrs() {
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
  }
  ~SpawnAttrs() {
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
  }
  SpawnAttrs(const SpawnAttrs&) = delete;
  SpawnAttrs& operator=(const SpawnAttrs&) = delete;

  // Default signal handling and an empty mask in the child, whatever the host set.
  void reset_signals(short extra_flags) {
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, static_cast<short>(POSIX_SPAWN_SETSIGMASK |
                                                       POSIX_SPAWN_SETSIGDEF | extra_flags));
  }
};

Status validate(const std::vector<std::string>& argv,
                const std::vector<std::pair<std::string, std::string>>& env) {
  if (argv.empty() || argv[0].empty()) {
    return Error{JCODE_E_INVALID_ARG, "no command to run (empty argv)"};
  }
  for (const std::string& a : argv) {
    if (a.find('\0') != std::string::npos) {
      return Error{JCODE_E_INVALID_ARG, "argument of '" + argv[0] + "' holds a NUL byte"};
    }
  }
  for (const auto& [k, v] : env) {
    if (k.empty() || k.find_first_of(std::string_view("=\0", 2)) != std::string::npos ||
        v.find('\0') != std::string::npos) {
      return Error{JCODE_E_INVALID_ARG,
                   "invalid environment variable name for '" + argv[0] + "': '" + k + "'"};
    }
  }
  return {};
}

Error not_found(const std::string& name) {
  return Error{JCODE_E_NOT_FOUND, "command '" + name +
                                      "' not found or not executable: install it or add its "
                                      "directory to PATH"};
}

}  // namespace

std::optional<std::string> which(std::string_view name, std::optional<std::string_view> path_env) {
  if (name.empty()) return std::nullopt;
  auto executable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string_view::npos) {
    std::string p(name);
    return executable(p) ? std::optional<std::string>(p) : std::nullopt;
  }
  std::string_view path;
  if (path_env) {
    path = *path_env;
  } else if (const char* env = std::getenv("PATH")) {
    path = env;
  } else {
    path = "/usr/local/bin:/usr/bin:/bin";
  }
  size_t start = 0;
  for (;;) {
    const size_t end = path.find(':', start);
    std::string_view dir = path.substr(start, end == std::string_view::npos ? path.npos : end - start);
    std::string candidate = dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name);
    if (executable(candidate)) return candidate;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

Result<int> run(const Spec& spec, const Handlers& handlers) {
  if (Status st = validate(spec.argv, spec.env); !st) return st.error();
  const std::string& name = spec.argv[0];

  std::vector<std::string> env = child_env(spec);
  const std::optional<std::string> child_path = env_value(env, "PATH");
  const std::optional<std::string> exe =
      which(name, child_path ? std::optional<std::string_view>(*child_path)
                             : std::optional<std::string_view>("/usr/local/bin:/usr/bin:/bin"));
  if (!exe) return not_found(name);

  // On the terminal the child shares jcode's stdio and foreground process group (so it can
  // read the keyboard and gets Ctrl-C itself); otherwise pipes and a group of its own.
  const bool term = spec.terminal;
  Fd in_r, in_w, out_r, out_w, err_r, err_w;
  if (!term && (!make_pipe(in_r, in_w) || !make_pipe(out_r, out_w) || !make_pipe(err_r, err_w))) {
    return Error{JCODE_E_IO, "could not create pipes to run '" + name + "': " + errno_text(errno)};
  }

  SpawnAttrs sa;
  if (!term) {
    posix_spawn_file_actions_adddup2(&sa.fa, in_r.get(), 0);
    posix_spawn_file_actions_adddup2(&sa.fa, out_w.get(), 1);
    posix_spawn_file_actions_adddup2(&sa.fa, err_w.get(), 2);
    posix_spawnattr_setpgroup(&sa.attr, 0);
  }
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&sa.fa, spec.cwd.c_str());
  sa.reset_signals(term ? 0 : POSIX_SPAWN_SETPGROUP);

  std::vector<std::string> argv = spec.argv;
  std::vector<char*> c_argv = c_array(argv);
  std::vector<char*> c_env = c_array(env);
  pid_t pid = -1;
  if (int rc = ::posix_spawn(&pid, exe->c_str(), &sa.fa, &sa.attr, c_argv.data(), c_env.data());
      rc != 0) {
    if (!spec.cwd.empty() && ::access(spec.cwd.c_str(), X_OK) != 0) {
      return Error{JCODE_E_IO, "could not run '" + name + "' in directory " + spec.cwd + ": " +
                                   errno_text(errno)};
    }
    if (rc == ENOENT || rc == EACCES || rc == ENOEXEC) return not_found(name);
    return Error{JCODE_E_IO, "could not run '" + name + "': " + errno_text(rc)};
  }
  Child child(pid, Fd(open_pidfd(pid)));
  in_r.reset();
  out_w.reset();
  err_w.reset();
  if (!term) {
    set_nonblock(in_w.get());
    set_nonblock(out_r.get());
    set_nonblock(err_r.get());
  }

  size_t stdin_off = 0;
  if (spec.stdin_data.empty()) in_w.reset();  // EOF at once

  const bool has_deadline = spec.timeout.count() > 0;
  const auto deadline = Clock::now() + spec.timeout;
  char buf[16384];

  // Reads what is available on fd; false at EOF. A handler error is stored in failure.
  std::optional<Error> failure;
  auto pump = [&](Fd& fd, const std::function<Status(std::string_view)>& cb) {
    for (;;) {
      const ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n > 0) {
        if (cb && !failure) {
          if (Status st = cb(std::string_view(buf, static_cast<size_t>(n))); !st) {
            failure = st.error();
            return;
          }
        }
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      fd.reset();  // EOF or error
      return;
    }
  };

  for (;;) {
    if (failure) {
      child.stop(spec.kill_grace);
      return *failure;
    }
    if (child.exited() || (!in_w && !out_r && !err_r && child.poll_exit())) break;
    if (handlers.cancelled && handlers.cancelled()) {
      child.stop(spec.kill_grace);
      return Error{JCODE_E_CANCELLED, "'" + name + "' was stopped: cancelled"};
    }
    int wait_ms = -1;
    if (has_deadline) {
      const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
      if (Clock::now() >= deadline) {
        child.stop(spec.kill_grace);
        return Error{JCODE_E_TIMEOUT, "'" + name + "' did not finish within " +
                                          std::to_string(spec.timeout.count()) +
                                          " ms and was stopped"};
      }
      wait_ms = static_cast<int>(left.count());
    }
    auto shorten = [&](milliseconds m) {
      wait_ms = wait_ms < 0 ? static_cast<int>(m.count()) : std::min<int>(wait_ms, static_cast<int>(m.count()));
    };
    if (handlers.cancelled) shorten(kCancelPoll);

    pollfd fds[4];
    nfds_t n = 0;
    int i_in = -1, i_out = -1, i_err = -1, i_pid = -1;
    if (in_w) { i_in = static_cast<int>(n); fds[n++] = {in_w.get(), POLLOUT, 0}; }
    if (out_r) { i_out = static_cast<int>(n); fds[n++] = {out_r.get(), POLLIN, 0}; }
    if (err_r) { i_err = static_cast<int>(n); fds[n++] = {err_r.get(), POLLIN, 0}; }
    if (child.pidfd() >= 0) {
      i_pid = static_cast<int>(n);
      fds[n++] = {child.pidfd(), POLLIN, 0};
    } else {
      shorten(kExitPoll);
    }
    const int pr = ::poll(fds, n, wait_ms);
    if (pr < 0) {
      if (errno == EINTR) continue;
      child.stop(spec.kill_grace);
      return Error{JCODE_E_IO, "waiting for '" + name + "' failed: " + errno_text(errno)};
    }
    if (i_in >= 0 && fds[i_in].revents) {
      if (fds[i_in].revents & (POLLERR | POLLHUP)) {
        in_w.reset();  // the child closed its stdin: it does not want the rest
      } else {
        const size_t len = std::min<size_t>(spec.stdin_data.size() - stdin_off, 65536);
        const ssize_t w = write_nosigpipe(in_w.get(), spec.stdin_data.data() + stdin_off, len);
        if (w > 0) stdin_off += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || stdin_off == spec.stdin_data.size()) {
          in_w.reset();
        }
      }
    }
    if (i_out >= 0 && fds[i_out].revents) pump(out_r, handlers.on_stdout);
    if (i_err >= 0 && fds[i_err].revents && !failure) pump(err_r, handlers.on_stderr);
    if ((i_pid >= 0 && fds[i_pid].revents) || (i_pid < 0 && child.poll_exit())) {
      if (child.poll_exit()) {
        // Everything the child wrote before exiting is in the pipes now; a grandchild that
        // kept them open must not keep us waiting.
        if (out_r && !failure) pump(out_r, handlers.on_stdout);
        if (err_r && !failure) pump(err_r, handlers.on_stderr);
        if (failure) return *failure;
        break;
      }
    }
  }
  // The group may still hold children the command left behind; they are not ours to wait
  // for, but they must not outlive a command that was meant to be finished.
  return decode_status(child.status());
}

Result<Output> capture(const Spec& spec, size_t max_bytes) {
  Output o;
  const std::string& name = spec.argv.empty() ? std::string() : spec.argv[0];
  auto collect = [&](std::string& into, const char* which_stream) {
    return [&into, &name, max_bytes, which_stream](std::string_view chunk) -> Status {
      if (into.size() + chunk.size() > max_bytes) {
        return Error{JCODE_E_PROTOCOL, "'" + name + "' wrote more than " +
                                           std::to_string(max_bytes) + " bytes to " + which_stream};
      }
      into.append(chunk);
      return {};
    };
  };
  Handlers h;
  h.on_stdout = collect(o.out, "stdout");
  h.on_stderr = collect(o.err, "stderr");
  Result<int> r = run(spec, h);
  if (!r) return std::move(r).error();
  o.exit_code = *r;
  return o;
}

namespace {
std::mutex g_detached_mu;
std::vector<pid_t> g_detached;
}  // namespace

Result<pid_t> spawn_detached(const std::vector<std::string>& argv_in,
                             const std::vector<std::pair<std::string, std::string>>& env_add) {
  if (Status st = validate(argv_in, env_add); !st) return st.error();
  Spec spec;
  spec.env = env_add;
  std::vector<std::string> env = child_env(spec);
  const std::optional<std::string> child_path = env_value(env, "PATH");
  const std::optional<std::string> exe =
      which(argv_in[0], child_path ? std::optional<std::string_view>(*child_path)
                                   : std::optional<std::string_view>("/usr/local/bin:/usr/bin:/bin"));
  if (!exe) return not_found(argv_in[0]);

  SpawnAttrs sa;
  posix_spawn_file_actions_addopen(&sa.fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&sa.fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&sa.fa, 2, "/dev/null", O_WRONLY, 0);
  sa.reset_signals(POSIX_SPAWN_SETSID);

  std::vector<std::string> argv = argv_in;
  std::vector<char*> c_argv = c_array(argv);
  std::vector<char*> c_env = c_array(env);
  pid_t pid = -1;
  if (int rc = ::posix_spawn(&pid, exe->c_str(), &sa.fa, &sa.attr, c_argv.data(), c_env.data());
      rc != 0) {
    if (rc == ENOENT || rc == EACCES || rc == ENOEXEC) return not_found(argv_in[0]);
    return Error{JCODE_E_IO, "could not run '" + argv_in[0] + "': " + errno_text(rc)};
  }
  std::lock_guard lock(g_detached_mu);
  g_detached.push_back(pid);
  return pid;
}

void reap_detached() {
  std::lock_guard lock(g_detached_mu);
  std::erase_if(g_detached, [](pid_t pid) {
    int st = 0;
    const pid_t r = ::waitpid(pid, &st, WNOHANG);
    return r == pid || (r < 0 && errno == ECHILD);
  });
}

}  // namespace jcode::process
