// RefreshCoordinator against the real jcode-emulator (rotation + reuse detection are always on
// there: a rotated refresh token sent again revokes the whole grant).
#include <jcode/auth/refresh.hpp>
#include <jcode/auth/store.hpp>
#include <jcode/log/log.hpp>

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <set>
#include <thread>

#include "support/auth_test_support.hpp"
#include "support/emulator_process.hpp"
#include "support/json_credential.hpp"

using namespace jcode;
using namespace jcode::auth;
using namespace std::chrono_literals;

namespace {

constexpr const char* kToken = "POST /platform.claude.com/v1/oauth/token";
constexpr const char* kProfile = "/api.anthropic.com/api/oauth/profile";

struct Harness {
  test::EmulatorProcess emu;
  test::TempDir tmp;
  CredentialStore store{tmp / "home", tmp / "home/config"};
  std::string token_url = emu.map("https://platform.claude.com/v1/oauth/token");

  // Mints a grant at the emulator and stores it with an expiry `expires_in_s` from now.
  model::Credential seed(int64_t expires_in_s) {
    auto t = emu.control("/_emulator/tokens", {{"provider", "claude"}, {"expires_in", 3600}});
    model::Credential c;
    c.access_token = t["access_token"];
    c.refresh_token = t["refresh_token"];
    c.expires_at_ms = system_now_ms() + expires_in_s * 1000;
    c.source_id = "jcode_test_auth";
    REQUIRE(store.write(test::test_store_source(), test::serialize_credential(c)).ok());
    return c;
  }
  model::Credential stored() { return **test::load_credential(store); }
  RefreshTarget target() { return test::claude_target(store, token_url); }
};

}  // namespace

TEST_CASE("refresh: window of 5 minutes, unknown expiry never refreshes by time") {
  model::Credential c;
  CHECK_FALSE(needs_refresh(c, 1'000'000));
  c.expires_at_ms = 1'000'000 + kRefreshWindowMs + 1;
  CHECK_FALSE(needs_refresh(c, 1'000'000));
  c.expires_at_ms = 1'000'000 + kRefreshWindowMs;
  CHECK(needs_refresh(c, 1'000'000));
  CHECK_FALSE(is_expired(c, 1'000'000));
  c.expires_at_ms = 999'999;
  CHECK(is_expired(c, 1'000'000));
}

TEST_CASE("refresh: a fresh token is returned without any request; an expiring one is rotated and saved") {
  Harness h;
  auto fresh = h.seed(3600);
  RefreshCoordinator rc(h.tmp / "home");
  auto r = rc.ensure_fresh(h.target(), fresh);
  REQUIRE(r.ok());
  CHECK_FALSE(r->refreshed);
  CHECK(h.emu.count(kToken) == 0);

  auto expiring = h.seed(60);
  auto r2 = rc.ensure_fresh(h.target(), expiring);
  REQUIRE_MESSAGE(r2.ok(), r2.error().message);
  CHECK(r2->refreshed);
  CHECK(r2->credential.access_token != expiring.access_token);
  CHECK(r2->credential.refresh_token != expiring.refresh_token);  // rotated
  CHECK(h.stored().refresh_token == r2->credential.refresh_token);  // saved before returned
  CHECK(h.emu.count(kToken) == 1);
  CHECK(h.emu.bearer_get(kProfile, r2->credential.access_token) == 200);
  struct stat st {};
  REQUIRE(::stat((h.tmp / "home/auth.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto state = rc.state("claude");
  REQUIRE(state.ok());
  REQUIRE(state->has_value());
  CHECK((*state)->last_success_ms.has_value());

  // A stale in-memory copy (the old tokens) adopts what is stored instead of reusing the
  // spent refresh token, which would revoke the grant.
  auto r3 = rc.ensure_fresh(h.target(), expiring);
  REQUIRE(r3.ok());
  CHECK(r3->adopted);
  CHECK(h.emu.count(kToken) == 1);
  CHECK(h.emu.bearer_get(kProfile, r3->credential.access_token) == 200);
}

TEST_CASE("refresh: 8 threads in one process refresh once (single flight)") {
  Harness h;
  auto expiring = h.seed(10);
  RefreshCoordinator rc(h.tmp / "home");
  std::vector<std::thread> threads;
  std::vector<Result<RefreshResult>> results(8, Error{JCODE_E_INTERNAL, "not run"});
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] { results[static_cast<size_t>(i)] = rc.ensure_fresh(h.target(), expiring); });
  for (auto& t : threads) t.join();
  int refreshed = 0;
  for (auto& r : results) {
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    refreshed += r->refreshed ? 1 : 0;
    CHECK(r->credential.access_token == h.stored().access_token);
  }
  CHECK(refreshed == 1);
  CHECK(h.emu.count(kToken) == 1);
}

TEST_CASE("refresh: 16 processes started together with an expired token: one refresh, all succeed, grant intact") {
  Harness h;
  h.seed(-60);  // already expired
  int gate[2];
  REQUIRE(::pipe2(gate, O_CLOEXEC) == 0);
  std::vector<std::pair<pid_t, int>> children;
  for (int i = 0; i < 16; ++i) {
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    pid_t pid = test::spawn_process({JCODE_STORM_CHILD, "refresh", (h.tmp / "home").string(), h.token_url}, gate[0],
                                    out[1]);
    ::close(out[1]);
    children.emplace_back(pid, out[0]);
  }
  ::close(gate[0]);
  ::close(gate[1]);  // everyone starts now
  int refreshed = 0, others = 0;
  std::set<std::string> fingerprints;
  for (auto [pid, fd] : children) {
    std::string line = test::read_until(fd, "\n", 60s);
    ::close(fd);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), line);
    if (line.rfind("refreshed ", 0) == 0) ++refreshed;
    // Adopted under the lock, or loaded after the refresh had been saved.
    if (line.rfind("adopted ", 0) == 0 || line.rfind("fresh ", 0) == 0) ++others;
    fingerprints.insert(line.substr(line.find(' ') + 1));
  }
  CHECK(refreshed == 1);
  CHECK(others == 15);
  CHECK(h.emu.count(kToken) == 1);
  auto now_stored = h.stored();
  CHECK(fingerprints == std::set<std::string>{token_fingerprint(now_stored.access_token) + "\n"});
  CHECK(h.emu.bearer_get(kProfile, now_stored.access_token) == 200);
  // The grant is still usable: no reuse was detected, another refresh works.
  RefreshCoordinator rc(h.tmp / "home");
  auto again = rc.ensure_fresh(h.target(), now_stored, /*force=*/true);
  REQUIRE_MESSAGE(again.ok(), again.error().message);
  CHECK(again->refreshed);
  CHECK(h.emu.bearer_get(kProfile, again->credential.access_token) == 200);
  for (auto& g : h.emu.get("/_emulator/grants")) CHECK_FALSE(g["revoked"].get<bool>());
}

TEST_CASE("refresh: a rejected refresh token is remembered by fingerprint and never sent again") {
  Harness h;
  auto cred = h.seed(10);
  h.emu.control("/_emulator/revoke-grant", {{"refresh_token", cred.refresh_token}});
  RefreshCoordinator rc(h.tmp / "home");
  auto r = rc.ensure_fresh(h.target(), cred);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status() == JCODE_E_AUTH_REQUIRED);
  CHECK(r.error().message.find("jcode login --provider claude") != std::string::npos);
  CHECK(r.error().message.find(cred.refresh_token) == std::string::npos);
  CHECK(h.emu.count(kToken) == 1);
  auto state = nlohmann::json::parse(std::ifstream(h.tmp / "home/auth-refresh-state.json"));
  CHECK(state["claude"]["rejected_refresh_fingerprint"] == token_fingerprint(cred.refresh_token));
  CHECK(state.dump().find(cred.refresh_token) == std::string::npos);
  // The store is left as it was (no blanked record).
  CHECK(h.stored().refresh_token == cred.refresh_token);
  auto again = rc.ensure_fresh(h.target(), cred, true);
  CHECK(again.status() == JCODE_E_AUTH_REQUIRED);
  CHECK(again.error().message.find("rejected") != std::string::npos);
  CHECK(h.emu.count(kToken) == 1);  // not sent again
}

TEST_CASE("refresh: a token from another tool's file is never refreshed") {
  Harness h;
  auto cred = h.seed(-10);
  auto t = h.target();
  t.external = true;
  t.external_label = "Claude Code CLI";
  t.external_hint = "Run `claude` once to refresh it";
  auto r = RefreshCoordinator(h.tmp / "home").ensure_fresh(t, cred);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status() == JCODE_E_AUTH_REQUIRED);
  CHECK(r.error().message.find("Claude Code CLI") != std::string::npos);
  CHECK(r.error().message.find("Run `claude` once") != std::string::npos);
  CHECK(r.error().message.find("jcode login --provider claude") != std::string::npos);
  CHECK(h.emu.count(kToken) == 0);
  // Its owner refreshed it meanwhile: the re-read picks that up.
  auto owner = h.seed(3600);
  auto r2 = RefreshCoordinator(h.tmp / "home").ensure_fresh(t, cred);
  REQUIRE(r2.ok());
  CHECK(r2->credential.access_token == owner.access_token);
  CHECK(h.emu.count(kToken) == 0);
}

TEST_CASE("refresh: kill -9 at random points of saves never leaves a torn file; mode stays 0600") {
  test::TempDir tmp;
  const std::string a(256 * 1024, 'a'), b(300 * 1024, 'b');
  for (int i = 0; i < 20; ++i) {
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    pid_t pid = test::spawn_process({JCODE_STORM_CHILD, "save-loop", (tmp / "home").string()}, -1, out[1]);
    ::close(out[1]);
    // Let it complete 1 + i%5 saves, then kill it in the middle of whatever comes next.
    std::string progress = test::read_until(out[0], std::string(static_cast<size_t>(1 + i % 5), '+'), 30s);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(out[0]);
    std::ifstream in(tmp / "home/auth.json", std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    CHECK((content == a || content == b));
    struct stat st {};
    REQUIRE(::stat((tmp / "home/auth.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
}

TEST_CASE("refresh: canary tokens never reach messages, errors, state files or a child's argv") {
  Harness h;
  auto cred = h.seed(10);
  std::vector<std::string> outputs;
  RefreshCoordinator rc(h.tmp / "home");
  auto ok = rc.ensure_fresh(h.target(), cred);
  REQUIRE(ok.ok());
  h.emu.control("/_emulator/revoke-grant", {{"refresh_token", ok->credential.refresh_token}});
  auto bad = rc.ensure_fresh(h.target(), ok->credential, true);
  REQUIRE_FALSE(bad.ok());
  outputs.push_back(bad.error().message);
  auto ext = h.target();
  ext.external = true;
  ext.external_label = "Claude Code CLI";
  auto external = rc.ensure_fresh(ext, ok->credential, true);
  REQUIRE_FALSE(external.ok());
  outputs.push_back(external.error().message);
  {
    std::ifstream in(h.tmp / "home/auth-refresh-state.json");
    outputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // What a storm child is started with.
  for (const auto& a : std::vector<std::string>{JCODE_STORM_CHILD, "refresh", (h.tmp / "home").string(), h.token_url})
    outputs.push_back(a);
  for (const std::string* secret : {&cred.access_token, &cred.refresh_token, &ok->credential.access_token,
                                    &ok->credential.refresh_token}) {
    for (const auto& o : outputs) CHECK(o.find(*secret) == std::string::npos);
    // Every token the engine handled is registered with the log redactor.
    CHECK(jcode::log::redact("token=" + *secret).find(*secret) == std::string::npos);
  }
}
