// The real binary: one "listening" line on stdout, serves, exits 0 on SIGTERM.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "helpers.hpp"

using namespace emutest;

namespace {

struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    if (out) fclose(out);
  }
};

void spawn(Child& c, std::vector<std::string> args) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  c.pid = fork();
  REQUIRE(c.pid >= 0);
  if (c.pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(JCODE_EMULATOR_BINARY));
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(JCODE_EMULATOR_BINARY, argv.data());
    _exit(127);
  }
  close(fds[1]);
  c.out = fdopen(fds[0], "r");
  REQUIRE(c.out);
}

int wait_exit(Child& c) {
  int status = 0;
  for (int i = 0; i < 1000; ++i) {  // bounded: 10 s
    pid_t r = waitpid(c.pid, &status, WNOHANG);
    if (r == c.pid) {
      c.pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

}  // namespace

TEST_CASE("binary: prints exactly one listening line, serves, stops on SIGTERM and SIGINT") {
  for (int sig : {SIGTERM, SIGINT}) {
    Child c;
    spawn(c, {"--listen", "127.0.0.1:0", "--auto-approve"});
    char line[256] = {0};
    REQUIRE(fgets(line, sizeof line, c.out) != nullptr);
    std::string s(line);
    REQUIRE(jemu::starts_with(s, "listening http://127.0.0.1:"));
    REQUIRE(s.back() == '\n');
    const int port = std::stoi(s.substr(std::string("listening http://127.0.0.1:").size()));
    CHECK(port > 0);
    httplib::Client cli("127.0.0.1", port);
    auto h = cli.Get("/_emulator/health");
    REQUIRE(h);
    CHECK(h->status == 200);
    auto cfg = cli.Get("/_emulator/config");
    CHECK(json::parse(cfg->body)["auto_approve"] == true);
    kill(c.pid, sig);
    CHECK(wait_exit(c) == 0);
    char rest[64];
    CHECK(fgets(rest, sizeof rest, c.out) == nullptr);  // nothing else on stdout
  }
}

TEST_CASE("binary: bad --listen is an error") {
  Child c;
  spawn(c, {"--listen", "nonsense"});
  CHECK(wait_exit(c) == 2);
}
