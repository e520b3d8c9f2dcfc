// jcode::auth::CredentialStore: own files by source declaration.
#include <jcode/auth/store.hpp>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "../auth/support/auth_test_support.hpp"

using jcode::auth::CredentialStore;
using jcode::model::SourceDecl;
using jcode::model::SourceKind;

namespace {
SourceDecl own(std::string location, SourceKind kind = SourceKind::jcode_file) {
  SourceDecl s;
  s.kind = kind;
  s.id = "test_source";
  s.location = std::move(location);
  s.label = "jcode Test login";
  return s;
}
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}
}  // namespace

TEST_CASE("store: paths come from the jcode home and the app config dir") {
  CredentialStore store("/h/.jcode", "/h/.config/jcode");
  CHECK(*store.path_of(own("auth.json")) == "/h/.jcode/auth.json");
  CHECK(*store.path_of(own("fireworks.env", SourceKind::app_env_file)) == "/h/.config/jcode/fireworks.env");
  CHECK(store.path_of(own("../x.json")).status() == JCODE_E_INVALID_ARG);
  CHECK(store.path_of(own("/etc/passwd")).status() == JCODE_E_INVALID_ARG);
  CHECK(store.path_of(own("~/.codex/auth.json", SourceKind::external_file)).status() == JCODE_E_INVALID_ARG);
}

TEST_CASE("store: write is 0600 in a 0700 dir, read returns it, absent is nullopt") {
  jcode::test::TempDir tmp;
  CredentialStore store(tmp / "home", tmp / "cfg");
  auto s = own("auth.json");
  auto none = store.read(s);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(store.write(s, R"({"a":1})").ok());
  CHECK(mode_of(tmp / "home/auth.json") == 0600);
  CHECK(mode_of(tmp / "home") == 0700);
  auto back = store.read(s);
  REQUIRE(back.ok());
  CHECK(**back == R"({"a":1})");
  REQUIRE(store.remove(s).ok());
  CHECK_FALSE(std::filesystem::exists(tmp / "home/auth.json"));
  CHECK(store.remove(s).ok());
}

TEST_CASE("store: a corrupt or empty JSON file is an error naming it and is left untouched") {
  jcode::test::TempDir tmp;
  CredentialStore store(tmp / "home", tmp / "cfg");
  std::filesystem::create_directories(tmp / "home");
  const std::string cases[] = {"", "{\"anthropic_accounts\": [", std::string("{}\0\0\0", 5)};
  for (const std::string& bad : cases) {
    std::ofstream(tmp / "home/auth.json", std::ios::trunc) << bad;
    std::string before = slurp(tmp / "home/auth.json");
    auto r = store.read(own("auth.json"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status() == JCODE_E_PROTOCOL);
    CHECK(r.error().message.find((tmp / "home/auth.json").string()) != std::string::npos);
    CHECK(r.error().message.find("will not overwrite") != std::string::npos);
    CHECK(slurp(tmp / "home/auth.json") == before);
  }
}

TEST_CASE("store: env-file values are sanitised on read and upserted keeping other lines") {
  jcode::test::TempDir tmp;
  CredentialStore store(tmp / "home", tmp / "cfg");
  auto s = own("fireworks.env", SourceKind::app_env_file);
  s.key = "FIREWORKS_API_KEY";
  CHECK_FALSE(store.read_env_value(s)->has_value());
  std::filesystem::create_directories(tmp / "cfg");
  std::ofstream(tmp / "cfg/fireworks.env") << "# mine\nOTHER=1\nFIREWORKS_API_KEY=\"fw-\xE2\x80\x8Bkey \"\n";
  std::vector<std::string> warnings;
  auto v = store.read_env_value(s, &warnings);
  REQUIRE(v.ok());
  REQUIRE(v->has_value());
  CHECK(**v == "fw-key");
  REQUIRE_FALSE(warnings.empty());
  CHECK(warnings[0].find("fw-") == std::string::npos);  // never the value
  REQUIRE(store.write_env_value(s, "fw-new").ok());
  CHECK(slurp(tmp / "cfg/fireworks.env") == "# mine\nOTHER=1\nFIREWORKS_API_KEY=fw-new\n");
  CHECK(mode_of(tmp / "cfg/fireworks.env") == 0600);
  CHECK(store.write_env_value(s, "a\nB=2").status() == JCODE_E_INVALID_ARG);
  REQUIRE(store.remove_env_value(s).ok());
  CHECK(slurp(tmp / "cfg/fireworks.env") == "# mine\nOTHER=1\n");
}
