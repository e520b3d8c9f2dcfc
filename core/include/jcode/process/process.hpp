// Subprocesses: run another tool (gh, cursor-agent, az, a browser opener) with pipes and a
// timeout. Secrets go to a child only through env or stdin, never argv (argv is visible to
// every local user in /proc).
#pragma once

#include <jcode/error.hpp>

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::process {

struct Spec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH (the child's PATH if env sets it)
  // Added to, or replacing, the inherited environment.
  std::vector<std::pair<std::string, std::string>> env;
  // Names removed from the inherited environment (applied before env).
  std::vector<std::string> env_remove;
  std::string stdin_data;  // written to the child's stdin, which is then closed
  std::chrono::milliseconds timeout{0};  // 0 = none; on expiry SIGTERM, then SIGKILL
  std::chrono::milliseconds kill_grace{2'000};  // SIGTERM → SIGKILL delay
  std::string cwd;  // empty = inherit
  // The child uses this process's stdin/stdout/stderr and foreground process group (an
  // interactive login of another tool); stdin_data and the output handlers are then unused.
  bool terminal = false;
};

struct Handlers {
  // Output chunks as they arrive. An error stops the child (SIGTERM, then SIGKILL) and
  // run() returns that error.
  std::function<Status(std::string_view chunk)> on_stdout;
  std::function<Status(std::string_view chunk)> on_stderr;
  // Polled while waiting; true stops the child and returns JCODE_E_CANCELLED.
  std::function<bool()> cancelled;
};

// Runs the child to completion. Returns its exit code, or 128+N when signal N ended it.
// Errors: JCODE_E_NOT_FOUND (argv[0] not found or not executable; the message names it),
// JCODE_E_INVALID_ARG (empty argv), JCODE_E_TIMEOUT (the message names the command and the
// timeout), JCODE_E_CANCELLED, JCODE_E_IO, or a handler's error. The child runs in its own
// process group (so a timeout also stops what it started) and is always reaped.
Result<int> run(const Spec& spec, const Handlers& handlers = {});

// Convenience: run() collecting stdout and stderr (each capped at max_bytes: beyond it the
// child is stopped and JCODE_E_PROTOCOL returned).
struct Output {
  int exit_code = 0;
  std::string out;
  std::string err;
};
Result<Output> capture(const Spec& spec, size_t max_bytes = 4u << 20);

// Starts a child that outlives the call: own session, stdio on /dev/null, not waited for.
// Returns its pid; the caller may waitpid() it or call reap_detached() later.
Result<pid_t> spawn_detached(const std::vector<std::string>& argv,
                             const std::vector<std::pair<std::string, std::string>>& env = {});
// Reaps detached children that have exited (never blocks).
void reap_detached();

// PATH lookup like execvp: a name containing '/' is checked as is. path_env = the PATH to
// search (nullopt = this process's). Returns the absolute or given path of an executable
// regular file, or nullopt.
std::optional<std::string> which(std::string_view name,
                                 std::optional<std::string_view> path_env = std::nullopt);

}  // namespace jcode::process
