// jcode::auth::Consent: approval flow for other tools' files, with a sandboxed HOME.
#include <jcode/auth/consent.hpp>
#include <jcode/config/config.hpp>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "../auth/support/auth_test_support.hpp"

using namespace jcode::auth;
using jcode::model::SourceDecl;
using jcode::model::SourceKind;

namespace {

struct Fixture {
  jcode::test::TempDir tmp;
  jcode::paths::MapEnv env;
  std::filesystem::path file;
  SourceDecl source;
  jcode::test::FakeIo io;

  Fixture() {
    env.set("HOME", (tmp / "home").string());
    file = tmp / "home/.codex/auth.json";
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << R"({"tokens":{"access_token":"CANARY-ext-token"}})";
    ::chmod(file.c_str(), 0600);
    source.kind = SourceKind::external_file;
    source.id = "openai_codex_auth_json";
    source.location = "~/.codex/auth.json";
    source.label = "Codex CLI";
  }
  Consent consent() { return Consent(tmp / "jhome/config.toml", env); }
  ConsentRequest req(bool interactive, bool explicit_provider) {
    ConsentRequest r;
    r.provider = "openai";
    r.provider_display = "OpenAI";
    r.io = &io;
    r.interactive = interactive;
    io.is_interactive = interactive;
    r.explicit_provider = explicit_provider;
    return r;
  }
  std::string config_text() {
    std::ifstream in(tmp / "jhome/config.toml");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

struct stat stat_of(const std::filesystem::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st;
}

}  // namespace

TEST_CASE("consent: auto-detection without a terminal skips the file and does not open it") {
  Fixture f;
  auto before = stat_of(f.file);
  auto r = f.consent().read_external(f.source, f.req(false, false));
  REQUIRE(r.ok());
  CHECK(r->state == ExternalState::untrusted);
  CHECK(r->content.empty());
  CHECK(r->detail.find("jcode auth trust add openai_codex_auth_json") != std::string::npos);
  CHECK(f.io.questions.empty());
  CHECK(f.io.all_notes().find("skipping Codex CLI") != std::string::npos);
  auto after = stat_of(f.file);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  CHECK(after.st_atim.tv_sec == before.st_atim.tv_sec);
  CHECK(after.st_atim.tv_nsec == before.st_atim.tv_nsec);  // not even read
}

TEST_CASE("consent: an explicit provider without a terminal fails saying how to approve") {
  Fixture f;
  auto r = f.consent().read_external(f.source, f.req(false, true));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status() == JCODE_E_NONINTERACTIVE);
  const auto& m = r.error().message;
  CHECK(m.find("Found existing OpenAI credentials from Codex CLI at") != std::string::npos);
  CHECK(m.find("will not read them without confirmation") != std::string::npos);
  CHECK(m.find("jcode auth trust add openai_codex_auth_json") != std::string::npos);
  CHECK(m.find("jcode login --provider openai") != std::string::npos);
  CHECK(m.find("CANARY") == std::string::npos);
}

TEST_CASE("consent: yes on the terminal reads the file and remembers it; no does not") {
  Fixture f;
  f.io.answers = {false};
  auto no = f.consent().read_external(f.source, f.req(true, false));
  REQUIRE(no.ok());
  CHECK(no->state == ExternalState::declined);
  REQUIRE(f.io.questions.size() == 1);
  CHECK(f.io.questions[0].find("Found existing OpenAI credentials from Codex CLI at " + f.file.string() +
                               ". jcode will only read that source in place after you approve it. It will not "
                               "move, delete, or rewrite the original auth there. Trust this auth source for "
                               "future jcode sessions?") == 0);
  CHECK(f.config_text().find("openai_codex_auth_json") == std::string::npos);

  std::string before_bytes = [&] {
    std::ifstream in(f.file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  auto before = stat_of(f.file);
  f.io.answers = {true};
  auto yes = f.consent().read_external(f.source, f.req(true, false));
  REQUIRE(yes.ok());
  CHECK(yes->state == ExternalState::read);
  CHECK(yes->content == before_bytes);
  // Stored as lowercase(id) + "|" + lowercase(canonical path).
  CHECK(f.config_text().find(jcode::config::trust_path_entry("openai_codex_auth_json", f.file.string())) !=
        std::string::npos);
  // Remembered: no second question, even without a terminal.
  auto again = f.consent().read_external(f.source, f.req(false, true));
  REQUIRE(again.ok());
  CHECK(again->state == ExternalState::read);
  CHECK(f.io.questions.size() == 2);
  auto after = stat_of(f.file);
  CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  CHECK((after.st_mode & 0777) == 0600);
}

TEST_CASE("consent: a symlinked file is refused before any question") {
  Fixture f;
  auto real = f.tmp / "elsewhere.json";
  std::filesystem::rename(f.file, real);
  std::filesystem::create_symlink(real, f.file);
  REQUIRE(f.consent().trust(f.source.id, real).ok());  // even a trusted target
  f.io.answers = {true};
  auto r = f.consent().read_external(f.source, f.req(true, true));
  REQUIRE(r.ok());
  CHECK(r->state == ExternalState::refused);
  CHECK(r->detail.find("symlink") != std::string::npos);
  CHECK(f.io.questions.empty());
  CHECK(f.consent().trust(f.source.id, f.file).status() == JCODE_E_DENIED);
}

TEST_CASE("consent: a file owned by another user is refused even when approved") {
  if (::geteuid() != 0) return;  // only root can hand a file to another user
  Fixture f;
  REQUIRE(f.consent().trust(f.source.id, f.file).ok());
  REQUIRE(::chown(f.file.c_str(), 4242, 4242) == 0);
  auto r = f.consent().read_external(f.source, f.req(true, true));
  REQUIRE(r.ok());
  CHECK(r->state == ExternalState::refused);
  CHECK(r->content.empty());
  CHECK(stat_of(f.file).st_uid == 4242u);
}

TEST_CASE("consent: absent files are reported as such; trust list/add/revoke") {
  Fixture f;
  std::filesystem::remove(f.file);
  auto r = f.consent().read_external(f.source, f.req(true, true));
  REQUIRE(r.ok());
  CHECK(r->state == ExternalState::absent);
  CHECK(f.consent().trust("x", f.file).status() == JCODE_E_NOT_FOUND);

  std::ofstream(f.file) << "{}";
  auto c = f.consent();
  auto canonical = c.trust("OpenAI_Codex_Auth_Json", f.file);
  REQUIRE(canonical.ok());
  auto list = c.list();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK(list->front() == jcode::config::trust_path_entry("openai_codex_auth_json", canonical->string()));
  CHECK(*c.is_trusted("openai_codex_auth_json", *canonical));
  std::filesystem::remove(f.file);  // revoking works for a file that is gone
  CHECK(*c.revoke("openai_codex_auth_json", f.file));
  CHECK_FALSE(*c.revoke("openai_codex_auth_json", f.file));
  CHECK(c.list()->empty());
}

TEST_CASE("consent: commands are approved per source id") {
  Fixture f;
  SourceDecl gh;
  gh.kind = SourceKind::command;
  gh.id = "gh_auth_token";
  gh.location = "gh auth token";
  gh.label = "GitHub CLI";
  auto c = f.consent();
  CHECK_FALSE(*c.approve_command(gh, f.req(false, false)));
  CHECK(c.approve_command(gh, f.req(false, true)).status() == JCODE_E_NONINTERACTIVE);
  f.io.answers = {true};
  CHECK(*c.approve_command(gh, f.req(true, false)));
  CHECK(*c.approve_command(gh, f.req(false, true)));
  CHECK(*c.revoke_command("gh_auth_token"));
  CHECK_FALSE(*c.approve_command(gh, f.req(false, false)));
}
