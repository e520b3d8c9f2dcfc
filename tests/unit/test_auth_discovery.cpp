// jcode::auth::discover and summarize_status with fake plugin callbacks (no network).
#include <jcode/auth/discovery.hpp>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "../auth/support/auth_test_support.hpp"

using namespace jcode;
using namespace jcode::auth;
using model::SourceDecl;
using model::SourceKind;

namespace {

SourceDecl decl(SourceKind kind, std::string id, std::string location, std::string key = {}) {
  SourceDecl s;
  s.kind = kind;
  s.id = std::move(id);
  s.location = std::move(location);
  s.key = std::move(key);
  s.label = s.id + " label";
  return s;
}

// Content "<token>|<expires_at_ms>" → credential; "none" → DECLINE; "bad" → malformed.
Result<std::optional<model::Credential>> parse(const SourceDecl&, std::string_view content) {
  if (content == "none") return std::optional<model::Credential>{};
  auto bar = content.find('|');
  if (content == "bad" || bar == std::string_view::npos) return Error{JCODE_E_PROTOCOL, "not a token record"};
  model::Credential c;
  c.access_token = std::string(content.substr(0, bar));
  c.refresh_token = "rt-" + c.access_token;
  c.expires_at_ms = std::stoll(std::string(content.substr(bar + 1)));
  return std::optional<model::Credential>(c);
}

struct Fixture {
  test::TempDir tmp;
  paths::MapEnv env;
  CredentialStore store{tmp / "jhome", tmp / "cfg"};
  test::FakeIo io;
  Fixture() { env.set("HOME", (tmp / "home").string()); }
  Consent consent() { return Consent(tmp / "jhome/config.toml", env); }
  DiscoveryOptions options(bool probe_all = false) {
    DiscoveryOptions o;
    o.consent.provider = "prov";
    o.consent.provider_display = "Prov";
    o.consent.io = &io;
    o.probe_all = probe_all;
    o.consent.allow_prompt = !probe_all;
    o.env = &env;
    o.now = [] { return int64_t{1'000'000}; };
    return o;
  }
  void write(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
};

}  // namespace

TEST_CASE("discovery: declared order, first non-expired wins, else the first expired") {
  Fixture f;
  std::vector<SourceDecl> sources{decl(SourceKind::jcode_file, "own", "auth.dat"),
                                  decl(SourceKind::env_var, "envtok", "PROV_TOKEN"),
                                  decl(SourceKind::env_var, "envtok2", "PROV_TOKEN2")};
  DiscoveryCallbacks cb{parse, {}, {}};
  f.write(f.tmp / "jhome/auth.dat", "own-token|2000000");
  f.env.set("PROV_TOKEN", "env-token|3000000");
  auto r = discover(sources, f.store, f.consent(), cb, f.options());
  REQUIRE(r.ok());
  REQUIRE(r->found);
  CHECK(r->found->credential.access_token == "own-token");
  CHECK(r->found->credential.source_id == "own");
  CHECK(r->trace.size() == 1);  // stops at the winner

  f.write(f.tmp / "jhome/auth.dat", "own-token|500");  // expired
  r = discover(sources, f.store, f.consent(), cb, f.options());
  REQUIRE(r->found);
  CHECK(r->found->credential.access_token == "env-token");

  f.env.set("PROV_TOKEN", "env-token|600");  // all expired: the first one in order
  r = discover(sources, f.store, f.consent(), cb, f.options());
  REQUIRE(r->found);
  CHECK(r->found->credential.access_token == "own-token");
  CHECK(r->trace.size() == 3);
  CHECK(r->trace[2].state == SourceState::absent);
  CHECK(r->trace[2].where == "$PROV_TOKEN2");
}

TEST_CASE("discovery: an app env file is read as the file only; the variable wins only when declared") {
  Fixture f;
  std::vector<SourceDecl> file_only{decl(SourceKind::app_env_file, "file", "prov.env", "PROV_API_KEY")};
  DiscoveryCallbacks cb{parse, {}, {}};
  f.write(f.tmp / "cfg/prov.env", "PROV_API_KEY=file-key|0\n");
  f.env.set("PROV_API_KEY", "env-key|0");
  // Undeclared, the variable is never read (a legacy line named OPENAI_API_KEY in another
  // provider's env file must not pick up the user's OpenAI key).
  auto r = discover(file_only, f.store, f.consent(), cb, f.options());
  REQUIRE(r->found);
  CHECK(r->found->credential.access_token == "file-key");
  CHECK(r->found->where == (f.tmp / "cfg/prov.env").string());
  std::vector<SourceDecl> both{decl(SourceKind::env_var, "var", "PROV_API_KEY"), file_only[0]};
  r = discover(both, f.store, f.consent(), cb, f.options());
  REQUIRE(r->found);
  CHECK(r->found->credential.access_token == "env-key");
  CHECK(r->found->source.id == "var");
}

TEST_CASE("discovery: a corrupt own file is reported, never skipped silently") {
  Fixture f;
  std::vector<SourceDecl> sources{decl(SourceKind::jcode_file, "own", "auth.dat"),
                                  decl(SourceKind::env_var, "envtok", "PROV_TOKEN")};
  DiscoveryCallbacks cb{parse, {}, {}};
  f.write(f.tmp / "jhome/auth.dat", "bad");
  auto r = discover(sources, f.store, f.consent(), cb, f.options());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find((f.tmp / "jhome/auth.dat").string()) != std::string::npos);
  CHECK(r.error().message.find("will not overwrite") != std::string::npos);
  f.env.set("PROV_TOKEN", "env-token|0");
  r = discover(sources, f.store, f.consent(), cb, f.options());
  REQUIRE(r.ok());
  CHECK(r->found->credential.access_token == "env-token");
  REQUIRE_FALSE(r->warnings.empty());
  CHECK(r->warnings[0].find("auth.dat") != std::string::npos);
  std::ifstream in(f.tmp / "jhome/auth.dat");
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "bad");
}

TEST_CASE("discovery: status probe never reads an untrusted external file nor runs commands") {
  Fixture f;
  auto ext = decl(SourceKind::external_file, "tool_auth", "~/.tool/auth.json");
  auto cmd = decl(SourceKind::command, "tool_cmd", "tool auth token");
  f.write(f.tmp / "home/.tool/auth.json", "ext-token|9000000");
  struct stat before {};
  ::stat((f.tmp / "home/.tool/auth.json").c_str(), &before);
  int ran = 0;
  DiscoveryCallbacks cb{parse, {}, [&](const std::vector<std::string>&) -> Result<std::string> {
                          ++ran;
                          return std::string("cmd-token|9000000\n");
                        }};
  auto opts = f.options(true);
  opts.run_commands = false;
  auto r = discover({ext, cmd}, f.store, f.consent(), cb, opts);
  REQUIRE(r.ok());
  CHECK_FALSE(r->found);
  CHECK(r->trace[0].state == SourceState::untrusted);
  CHECK(r->trace[1].state == SourceState::skipped);
  CHECK(ran == 0);
  CHECK(f.io.questions.empty());
  auto st = summarize_status("prov", "Prov", *r, 1'000'000);
  CHECK(st.status == "not_configured");
  CHECK(st.action.find("jcode auth trust add tool_auth") != std::string::npos);
  struct stat after {};
  ::stat((f.tmp / "home/.tool/auth.json").c_str(), &after);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  CHECK(after.st_atim.tv_nsec == before.st_atim.tv_nsec);

  // Approved: read in place; the command runs when allowed and approved.
  REQUIRE(f.consent().trust("tool_auth", f.tmp / "home/.tool/auth.json").ok());
  REQUIRE(f.consent().trust_command("tool_cmd").ok());
  r = discover({ext, cmd}, f.store, f.consent(), cb, f.options(true));
  REQUIRE(r->found);
  CHECK(r->found->credential.access_token == "ext-token");
  CHECK(r->trace[1].state == SourceState::found);
  CHECK(ran == 1);
  st = summarize_status("prov", "Prov", *r, 1'000'000);
  CHECK(st.status == "available");
  CHECK(st.credential_source == "trusted external file");
  CHECK(st.expires_at_ms == 9'000'000);
  CHECK_FALSE(st.refreshable);  // never refreshed: another tool's token
  auto j = st.to_json();
  CHECK(j["sources"].size() == 2);
  CHECK(j.dump().find("ext-token") == std::string::npos);  // no secrets in status output
}

TEST_CASE("discovery: plugin-resolved sources and status of an expired own OAuth login") {
  Fixture f;
  auto own = decl(SourceKind::jcode_file, "own", "auth.dat");
  auto chain = decl(SourceKind::plugin, "chain", "");
  DiscoveryCallbacks cb{parse,
                        [](const SourceDecl&) -> Result<std::optional<model::Credential>> {
                          model::Credential c;
                          c.kind = model::CredentialKind::bearer;
                          c.access_token = "entra-bearer";
                          return std::optional<model::Credential>(c);
                        },
                        {}};
  f.write(f.tmp / "jhome/auth.dat", "old|10");
  auto r = discover({own, chain}, f.store, f.consent(), cb, f.options(true));
  REQUIRE(r->found);
  CHECK(r->found->credential.access_token == "entra-bearer");
  f.write(f.tmp / "jhome/auth.dat", "old|10");
  auto only_own = discover({own}, f.store, f.consent(), cb, f.options(true));
  auto st = summarize_status("prov", "Prov", *only_own, 1'000'000);
  CHECK(st.status == "expired");
  CHECK(st.refreshable);
  CHECK(st.action.find("jcode auth refresh --provider prov") != std::string::npos);
  auto none = discover({}, f.store, f.consent(), cb, f.options(true));
  CHECK(summarize_status("prov", "Prov", *none, 0).action == "run `jcode login --provider prov`");
}
