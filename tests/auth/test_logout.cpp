// Logout with RFC 7009 revocation at the real jcode-emulator.
#include <jcode/auth/discovery.hpp>
#include <jcode/auth/refresh.hpp>

#include <doctest/doctest.h>

#include "support/auth_test_support.hpp"
#include "support/emulator_process.hpp"
#include "support/json_credential.hpp"

using namespace jcode;
using namespace jcode::auth;

TEST_CASE("logout: revokes the grant at the provider, then removes jcode's own credential") {
  test::EmulatorProcess emu;
  test::TempDir tmp;
  CredentialStore store(tmp / "home", tmp / "cfg");
  auto t = emu.control("/_emulator/tokens", {{"provider", "claude"}});
  model::Credential c;
  c.access_token = t["access_token"];
  c.refresh_token = t["refresh_token"];
  REQUIRE(store.write(test::test_store_source(), test::serialize_credential(c)).ok());
  model::OAuthClient client;
  client.client_id = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
  auto report = logout(test::test_store_source(), c, emu.map("https://platform.claude.com/v1/oauth/revoke"), &client,
                       default_http(), [&]() -> Result<bool> {
                         auto st = store.remove(test::test_store_source());
                         if (!st) return st.error();
                         return true;
                       });
  REQUIRE(report.ok());
  CHECK(report->revoked);
  CHECK(report->removed);
  CHECK_FALSE(std::filesystem::exists(tmp / "home/auth.json"));
  CHECK(emu.bearer_get("/api.anthropic.com/api/oauth/profile", c.access_token) == 401);
  // The refresh token is dead at the server too.
  RefreshCoordinator rc(tmp / "home");
  auto target = test::claude_target(store, emu.map("https://platform.claude.com/v1/oauth/token"));
  target.load = nullptr;
  target.save = nullptr;
  CHECK(rc.ensure_fresh(target, c, true).status() == JCODE_E_AUTH_REQUIRED);
}

TEST_CASE("logout: a failed revocation still removes the local credential and says why") {
  test::EmulatorProcess emu;
  test::TempDir tmp;
  model::Credential c;
  c.access_token = "at-unknown-123456";
  model::OAuthClient client;
  client.client_id = "x";
  bool removed = false;
  auto report = logout(test::test_store_source(), c, emu.map("https://no-such-host.example/revoke"), &client,
                       default_http(), [&]() -> Result<bool> { return removed = true; });
  REQUIRE(report.ok());
  CHECK_FALSE(report->revoked);
  CHECK_FALSE(report->revoke_error.empty());
  CHECK(report->revoke_error.find("at-unknown") == std::string::npos);
  CHECK(removed);
  model::SourceDecl ext;
  ext.kind = model::SourceKind::external_file;
  ext.id = "claude_code_credentials";
  CHECK(logout(ext, c, "", &client, default_http(), [] { return Result<bool>(true); }).status() == JCODE_E_DENIED);
}
