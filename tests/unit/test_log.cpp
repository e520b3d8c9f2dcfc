#include <jcode/log/log.hpp>

#include <doctest/doctest.h>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using jcode::log::Level;
using jcode::log::Logger;
using jcode::log::Redactor;

namespace {

// Captures the global logger's output for the scope, then restores stderr and verbosity.
struct Capture {
  std::vector<std::string> lines;
  std::mutex mu;
  Capture() {
    Logger::global().set_sink([this](Level, std::string_view l) {
      std::lock_guard g(mu);
      lines.emplace_back(l);
    });
  }
  ~Capture() {
    Logger::global().set_sink(nullptr);
    Logger::global().set_verbosity(0);
  }
};
}  // namespace

TEST_CASE("redactor: registered secrets and their URL-encoded forms") {
  Redactor r;
  r.add_secret("short");  // below the minimum: ignored
  CHECK(r.secret_count() == 0);
  r.add_secret("my secret/value+1");
  CHECK(r.redact("a my secret/value+1 b") == "a [REDACTED] b");
  CHECK(r.redact("q=my%20secret%2Fvalue%2B1&x") == "q=[REDACTED]&x");
  CHECK(r.redact("q=my%20secret%2fvalue%2b1") == "q=[REDACTED]");
  CHECK(r.redact("twice my secret/value+1my secret/value+1") == "twice [REDACTED]");
  CHECK(r.redact("a short text") == "a short text");
  r.clear();
  CHECK(r.redact("my secret/value+1") == "my secret/value+1");
}

TEST_CASE("redactor: longest registered secret wins when one contains another") {
  Redactor r;
  r.add_secret("abcdefgh");
  r.add_secret("abcdefgh-longer-one");
  CHECK(r.redact("x abcdefgh-longer-one y abcdefgh") == "x [REDACTED] y [REDACTED]");
}

TEST_CASE("redactor: pattern rules catch unregistered credentials") {
  using jcode::log::redact_patterns;
  CHECK(redact_patterns("Authorization: Bearer abc.DEF-123_xyz") == "Authorization: [REDACTED]");
  CHECK(redact_patterns("authorization: Basic dXNlcjpwYXNz\nnext") == "authorization: [REDACTED]\nnext");
  CHECK(redact_patterns("sent bearer tok_1234567890 to x") == "sent bearer [REDACTED] to x");
  CHECK(redact_patterns("x-api-key: sk-ant-api03-abcdefghijklmnop") == "x-api-key: [REDACTED]");
  CHECK(redact_patterns("key sk-ant-oat01-AbCdEfGhIjKlMnOpQrSt_uv end") == "key [REDACTED] end");
  CHECK(redact_patterns("OPENAI sk-proj-abcdefghijklmnopqrstuvwx.") == "OPENAI [REDACTED].");
  CHECK(redact_patterns("task-abcdefghijklmnopqrstuvwxyz") == "task-abcdefghijklmnopqrstuvwxyz");
  CHECK(redact_patterns("gh token gho_16C7e42F292c6912E7710c838347Ae178B4a") == "gh token [REDACTED]");
  const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl";
  CHECK(redact_patterns("id " + jwt + " done") == "id [REDACTED] done");
  CHECK(redact_patterns("GET /cb?code=AUTHCODE123&state=s1") == "GET /cb?code=[REDACTED]&state=s1");
  CHECK(redact_patterns("grant_type=refresh_token&refresh_token=rt-abc&client_id=c") ==
        "grant_type=refresh_token&refresh_token=[REDACTED]&client_id=c");
  CHECK(redact_patterns("code_verifier=vvvv&x=1") == "code_verifier=[REDACTED]&x=1");
  CHECK(redact_patterns(R"({"access_token": "at-1", "token_type":"Bearer", "refresh_token":"rt\"x"})") ==
        R"({"access_token": "[REDACTED]", "token_type":"Bearer", "refresh_token":"[REDACTED]"})");
  CHECK(redact_patterns(R"({"accessToken":"abc","expiresAt":1})") == R"({"accessToken":"[REDACTED]","expiresAt":1})");
  CHECK(redact_patterns("?key=AIzaSyA-1234567890abcdefghijklmnopqrstu") == "?key=[REDACTED]");
  // Word boundaries: these are not secrets.
  CHECK(redact_patterns("barcode=5 max_tokens=100 token_type=bearer") == "barcode=5 max_tokens=100 token_type=bearer");
  CHECK(redact_patterns("status code: 401, Bearer") == "status code: 401, Bearer");
}

TEST_CASE("logger: levels, verbosity, prefix, per-line redaction, control characters") {
  Capture cap;
  jcode::log::add_secret("registered-secret-42");
  auto& L = Logger::global();
  L.set_verbosity(0);
  jcode::log::info("hidden");
  jcode::log::debug("hidden");
  jcode::log::warn("shown warning");
  jcode::log::error("token registered-secret-42 failed\nsecond line with Bearer abcdefghijk");
  L.set_verbosity(1);
  jcode::log::info("now info");
  jcode::log::debug("still hidden");
  L.set_verbosity(2);
  CHECK(L.enabled(Level::debug));
  jcode::log::debug("esc \x1b[31mred\x1b[0m");
  REQUIRE(cap.lines.size() == 5);
  CHECK(cap.lines[0] == "jcode: warning: shown warning");
  CHECK(cap.lines[1] == "jcode: error: token [REDACTED] failed");
  CHECK(cap.lines[2] == "jcode: error: second line with Bearer [REDACTED]");
  CHECK(cap.lines[3] == "jcode: info: now info");
  CHECK(cap.lines[4] == "jcode: debug: esc \\x1b[31mred\\x1b[0m");
  Redactor::global().clear();
}

TEST_CASE("logger and redactor are thread-safe") {
  Capture cap;
  Logger::global().set_verbosity(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) {
        const std::string secret = "thread-secret-" + std::to_string(t) + "-" + std::to_string(i);
        jcode::log::add_secret(secret);
        jcode::log::info("value " + secret);
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(cap.lines.size() == 800);
  for (const auto& l : cap.lines) CHECK(l == "jcode: info: value [REDACTED]");
  Redactor::global().clear();
}

TEST_CASE("disable_core_dumps sets RLIMIT_CORE to 0 and the process non-dumpable") {
  // In a child: the test runner itself stays dumpable.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto st = jcode::log::disable_core_dumps();
    struct rlimit rl;
    ::getrlimit(RLIMIT_CORE, &rl);
    const int dumpable = ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    ::_exit(st.ok() && rl.rlim_cur == 0 && rl.rlim_max == 0 && dumpable == 0 ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
