// jcode::auth::PendingStore: format, mode, expiry, cleanup, single use, key validation.
#include <jcode/auth/pending.hpp>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "../auth/support/auth_test_support.hpp"

using jcode::auth::PendingStore;

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST_CASE("pending: put writes the record format with mode 0600 in a 0700 directory") {
  jcode::test::TempDir tmp;
  int64_t now = 1'000'000;
  PendingStore store(tmp / "pending-login", [&] { return now; });
  auto rec = store.put("claude", {{"verifier", "v"}, {"state", "s"}}, 30 * 60 * 1000);
  REQUIRE(rec.ok());
  CHECK(rec->expires_at_ms == now + 30 * 60 * 1000);
  auto path = tmp / "pending-login/claude.json";
  auto j = nlohmann::json::parse(slurp(path));
  CHECK(j["expires_at_ms"] == now + 30 * 60 * 1000);
  CHECK(j["login"]["provider"] == "claude");
  CHECK(j["login"]["verifier"] == "v");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((tmp / "pending-login").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}

TEST_CASE("pending: get returns the record until it expires, then deletes it with a clear error") {
  jcode::test::TempDir tmp;
  int64_t now = 5'000;
  PendingStore store(tmp / "p", [&] { return now; });
  REQUIRE(store.put("openai", {{"state", "abc"}}, 1000).ok());
  auto got = store.get("openai");
  REQUIRE(got.ok());
  CHECK(got->login["state"] == "abc");
  now += 999;
  CHECK(store.get("openai").ok());
  now += 1;  // exactly at expiry: expired
  auto expired = store.get("openai");
  REQUIRE_FALSE(expired.ok());
  CHECK(expired.status() == JCODE_E_AUTH_EXPIRED);
  CHECK(expired.error().message.find("Pending openai login state expired") != std::string::npos);
  CHECK(expired.error().message.find("jcode login --provider openai --print-auth-url") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp / "p/openai.json"));
}

TEST_CASE("pending: a missing record names the command to start the login") {
  jcode::test::TempDir tmp;
  PendingStore store(tmp / "p");
  auto r = store.get("gemini");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status() == JCODE_E_NOT_FOUND);
  CHECK(r.error().message ==
        "No pending gemini login state found. Run `jcode login --provider gemini --print-auth-url` first.");
}

TEST_CASE("pending: cleanup removes only expired records, never foreign files or symlinks") {
  jcode::test::TempDir tmp;
  int64_t now = 10'000;
  auto dir = tmp / "p";
  PendingStore store(dir, [&] { return now; });
  REQUIRE(store.put("claude", {}, 100).ok());
  REQUIRE(store.put("copilot", {}, 100'000).ok());
  std::ofstream(dir / "notes.json") << "not json";                     // unparseable: kept
  std::ofstream(dir / "legacy.json") << R"({"provider":"openai"})";    // legacy, no expiry: kept
  std::ofstream(dir / "old.json.bak") << R"({"expires_at_ms":1,"login":{}})";  // other name: kept
  std::ofstream(tmp / "outside.json") << R"({"expires_at_ms":1,"login":{}})";
  std::filesystem::create_symlink(tmp / "outside.json", dir / "link.json");  // symlink: kept
  now += 200;
  CHECK(store.cleanup_stale() == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "claude.json"));
  CHECK(std::filesystem::exists(dir / "copilot.json"));
  CHECK(std::filesystem::exists(dir / "notes.json"));
  CHECK(std::filesystem::exists(dir / "legacy.json"));
  CHECK(std::filesystem::exists(dir / "old.json.bak"));
  CHECK(std::filesystem::is_symlink(dir / "link.json"));
  CHECK(std::filesystem::exists(tmp / "outside.json"));
}

TEST_CASE("pending: starting a new flow cleans stale entries of other providers") {
  jcode::test::TempDir tmp;
  int64_t now = 0;
  PendingStore store(tmp / "p", [&] { return now; });
  REQUIRE(store.put("openai", {}, 10).ok());
  now = 100;
  REQUIRE(store.put("claude", {}, 10).ok());
  CHECK_FALSE(std::filesystem::exists(tmp / "p/openai.json"));
  CHECK(std::filesystem::exists(tmp / "p/claude.json"));
}

TEST_CASE("pending: keys are validated so no path can be formed") {
  jcode::test::TempDir tmp;
  PendingStore store(tmp / "p");
  for (const char* bad : {"", "../x", "a/b", "Claude", "claude.", ".x", "claude.a.b", "x y"}) {
    CAPTURE(bad);
    CHECK(store.put(bad, {}, 10).status() == JCODE_E_INVALID_ARG);
  }
  CHECK(PendingStore::check_key("google.tier").ok());
  CHECK(PendingStore::check_key("openai-compatible").ok());
}

TEST_CASE("pending: host state values round-trip, erase makes them single use") {
  jcode::test::TempDir tmp;
  PendingStore store(tmp / "p");
  REQUIRE(store.put_value("google.tier", "readonly", 60'000).ok());
  auto v = store.get_value("google.tier");
  REQUIRE(v.ok());
  CHECK(*v == "readonly");
  REQUIRE(store.erase("google.tier").ok());
  CHECK(store.get_value("google.tier").status() == JCODE_E_NOT_FOUND);
  CHECK(store.erase("google.tier").ok());  // absent is fine
  CHECK(store.put_value("x", std::string("\xff\xfe", 2), 10).status() == JCODE_E_INVALID_ARG);
}

TEST_CASE("pending: a corrupt record is reported with its path, not silently used") {
  jcode::test::TempDir tmp;
  PendingStore store(tmp / "p");
  std::filesystem::create_directories(tmp / "p");
  std::ofstream(tmp / "p/claude.json") << "{\"expires_at_ms\":";
  auto r = store.get("claude");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status() == JCODE_E_PROTOCOL);
  CHECK(r.error().message.find("claude.json") != std::string::npos);
  CHECK(std::filesystem::exists(tmp / "p/claude.json"));
}
