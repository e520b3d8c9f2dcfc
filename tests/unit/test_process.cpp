#include <jcode/process/process.hpp>

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace {

using namespace std::chrono_literals;
using jcode::Error;
using jcode::Status;
namespace proc = jcode::process;

proc::Spec spec(std::vector<std::string> argv) {
  proc::Spec s;
  s.argv = std::move(argv);
  return s;
}

// True when this process has no child left, running or zombie.
bool no_children_left() {
  int st = 0;
  return ::waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD;
}

}  // namespace

TEST_CASE("process: echo and cat round trips, separate stdout and stderr") {
  auto r = proc::capture(spec({"echo", "hello", "world"}));
  REQUIRE(r);
  CHECK(r->exit_code == 0);
  CHECK(r->out == "hello world\n");
  CHECK(r->err.empty());

  auto s = spec({"cat"});
  s.stdin_data = "line one\nline two";
  r = proc::capture(s);
  REQUIRE(r);
  CHECK(r->out == "line one\nline two");

  r = proc::capture(spec({"sh", "-c", "printf out; printf err >&2"}));
  REQUIRE(r);
  CHECK(r->out == "out");
  CHECK(r->err == "err");
  CHECK(no_children_left());
}

TEST_CASE("process: environment additions, replacements and removals reach the child") {
  ::setenv("JCODE_TEST_INHERITED", "from-parent", 1);
  ::setenv("JCODE_TEST_REPLACED", "old", 1);
  auto s = spec({"sh", "-c",
                 "printf '%s|%s|%s|%s' \"$JCODE_TEST_SECRET\" \"$JCODE_TEST_INHERITED\" "
                 "\"$JCODE_TEST_REPLACED\" \"${JCODE_TEST_GONE-unset}\""});
  ::setenv("JCODE_TEST_GONE", "present", 1);
  s.env = {{"JCODE_TEST_SECRET", "s3cret value"}, {"JCODE_TEST_REPLACED", "new"}};
  s.env_remove = {"JCODE_TEST_GONE"};
  auto r = proc::capture(s);
  REQUIRE(r);
  CHECK(r->out == "s3cret value|from-parent|new|unset");
  ::unsetenv("JCODE_TEST_INHERITED");
  ::unsetenv("JCODE_TEST_REPLACED");
  ::unsetenv("JCODE_TEST_GONE");

  auto bad = spec({"true"});
  bad.env = {{"A=B", "x"}};
  CHECK(proc::run(bad).status() == JCODE_E_INVALID_ARG);
}

TEST_CASE("process: 1 MiB through cat without deadlock, both directions at once") {
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + (i * 7919) % 26);
  auto s = spec({"cat"});
  s.stdin_data = big;
  s.timeout = 30s;
  size_t chunks = 0;
  std::string out;
  proc::Handlers h;
  h.on_stdout = [&](std::string_view c) -> Status {
    ++chunks;
    out.append(c);
    return {};
  };
  auto r = proc::run(s, h);
  REQUIRE(r);
  CHECK(*r == 0);
  CHECK(out.size() == big.size());
  CHECK(out == big);
  CHECK(chunks > 1);
}

TEST_CASE("process: stdin for a child that never reads it is not fatal (no SIGPIPE)") {
  auto s = spec({"true"});
  s.stdin_data = std::string(4 << 20, 'x');
  auto r = proc::run(s);
  REQUIRE(r);
  CHECK(*r == 0);
}

TEST_CASE("process: exit codes and signals") {
  CHECK(*proc::run(spec({"sh", "-c", "exit 3"})) == 3);
  CHECK(*proc::run(spec({"false"})) == 1);
  CHECK(*proc::run(spec({"sh", "-c", "kill -TERM $$"})) == 128 + SIGTERM);
  CHECK(no_children_left());
}

TEST_CASE("process: a timeout stops the child, SIGKILL when it ignores SIGTERM") {
  SUBCASE("plain sleep") {
    auto s = spec({"sleep", "30"});
    s.timeout = 200ms;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = proc::run(s);
    const auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE_FALSE(r);
    CHECK(r.status() == JCODE_E_TIMEOUT);
    CHECK(r.error().message.find("'sleep'") != std::string::npos);
    CHECK(r.error().message.find("200 ms") != std::string::npos);
    CHECK(took >= 200ms);
    CHECK(took < 5s);
  }
  SUBCASE("a child that traps SIGTERM, with output still flowing") {
    auto s = spec({"sh", "-c", "trap '' TERM; echo started; while :; do sleep 0.05; done"});
    s.timeout = 200ms;
    s.kill_grace = 200ms;
    std::string out;
    proc::Handlers h;
    h.on_stdout = [&](std::string_view c) -> Status {
      out.append(c);
      return {};
    };
    const auto t0 = std::chrono::steady_clock::now();
    auto r = proc::run(s, h);
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(r.status() == JCODE_E_TIMEOUT);
    CHECK(out == "started\n");
    CHECK(took >= 400ms);
    CHECK(took < 5s);
  }
  CHECK(no_children_left());
}

TEST_CASE("process: a handler error stops the child and is returned") {
  auto s = spec({"yes"});
  s.timeout = 30s;
  int calls = 0;
  proc::Handlers h;
  h.on_stdout = [&](std::string_view) -> Status {
    ++calls;
    return Error{JCODE_E_PROTOCOL, "enough"};
  };
  auto r = proc::run(s, h);
  REQUIRE_FALSE(r);
  CHECK(r.status() == JCODE_E_PROTOCOL);
  CHECK(r.error().message == "enough");
  CHECK(calls == 1);
  CHECK(no_children_left());

  auto c = spec({"yes"});
  auto cap = proc::capture(c, 1000);
  CHECK(cap.status() == JCODE_E_PROTOCOL);

  proc::Handlers cancel;
  cancel.cancelled = [] { return true; };
  CHECK(proc::run(spec({"sleep", "30"}), cancel).status() == JCODE_E_CANCELLED);
  CHECK(no_children_left());
}

TEST_CASE("process: a missing executable is a clear error naming it") {
  auto r = proc::run(spec({"jcode-no-such-tool-4711", "--version"}));
  REQUIRE_FALSE(r);
  CHECK(r.status() == JCODE_E_NOT_FOUND);
  CHECK(r.error().message.find("jcode-no-such-tool-4711") != std::string::npos);
  CHECK(r.error().message.find("PATH") != std::string::npos);
  CHECK(proc::run(spec({})).status() == JCODE_E_INVALID_ARG);
  CHECK(proc::run(spec({"/nonexistent/dir/tool"})).status() == JCODE_E_NOT_FOUND);

  // PATH given in the child's env is the one searched.
  auto s = spec({"sh", "-c", "true"});
  s.env = {{"PATH", "/nonexistent"}};
  CHECK(proc::run(s).status() == JCODE_E_NOT_FOUND);
}

TEST_CASE("process: which") {
  auto sh = proc::which("sh");
  REQUIRE(sh);
  CHECK(sh->front() == '/');
  CHECK(proc::which("/bin/sh") == std::optional<std::string>("/bin/sh"));
  CHECK_FALSE(proc::which("jcode-no-such-tool-4711"));
  CHECK_FALSE(proc::which("sh", std::string_view("/nonexistent:/also-not")));
  CHECK(proc::which("sh", std::string_view("/nonexistent:/bin")) == std::optional<std::string>("/bin/sh"));
  CHECK_FALSE(proc::which("/etc/passwd"));  // not executable
  CHECK_FALSE(proc::which("/bin"));         // a directory
}

TEST_CASE("process: detached children run on and can be waited for") {
  auto pid = proc::spawn_detached({"sh", "-c", "exit 7"});
  REQUIRE(pid);
  int st = 0;
  REQUIRE(::waitpid(*pid, &st, 0) == *pid);
  CHECK(WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == 7);
  proc::reap_detached();  // forgets the pid waited for above

  CHECK(proc::spawn_detached({"jcode-no-such-tool-4711"}).status() == JCODE_E_NOT_FOUND);
}

TEST_CASE("process: a terminal child shares this process's stdin and process group") {
  // Stand-in for the terminal: a pipe on fd 0 holding one line.
  int p[2];
  REQUIRE(::pipe(p) == 0);
  REQUIRE(::write(p[1], "ok\n", 3) == 3);
  ::close(p[1]);
  const int saved = ::dup(0);
  REQUIRE(saved >= 0);
  REQUIRE(::dup2(p[0], 0) == 0);
  ::close(p[0]);
  proc::Spec s = spec({"/bin/sh", "-c",
                       "read -r x; [ \"$x\" = ok ] || exit 3; "
                       "read -r _ _ _ _ g _ < /proc/$$/stat; [ \"$g\" = \"" + std::to_string(::getpgrp()) +
                           "\" ] || exit 4"});
  s.terminal = true;
  s.stdin_data = "ignored";  // the terminal is the child's stdin
  std::string out;
  auto r = proc::run(s, {.on_stdout = [&](std::string_view d) { out += d; return Status{}; }});
  ::dup2(saved, 0);
  ::close(saved);
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(out.empty());  // nothing is captured: the child wrote to the terminal
  CHECK(no_children_left());

  // Without the flag the child gets a pipe and a group of its own.
  proc::Spec piped = spec({"/bin/sh", "-c",
                           "read -r _ _ _ _ g _ < /proc/$$/stat; [ \"$g\" != \"" + std::to_string(::getpgrp()) +
                               "\" ]"});
  auto q = proc::run(piped);
  REQUIRE(q.ok());
  CHECK(*q == 0);
}
