// The user's Google OAuth client: console downloads ("installed" and "web"), wrong files that
// say what was expected, jcode's saved copy, and the Gmail scopes per access tier.
#include "client_file.hpp"

#include <doctest/doctest.h>

using namespace jcode::google_tool;

TEST_CASE("both console shapes are read") {
  auto i = parse_console_file(R"({"installed":{"client_id":"a.apps.googleusercontent.com","client_secret":"s","redirect_uris":["http://localhost"]}})", "f.json");
  REQUIRE(i.client);
  CHECK(i.client->id == "a.apps.googleusercontent.com");
  CHECK(i.client->kind == "installed");
  auto w = parse_console_file(R"({"web":{"client_id":"b","client_secret":"t"}})", "f.json");
  REQUIRE(w.client);
  CHECK(w.client->kind == "web");
}

TEST_CASE("a wrong file names itself and what was expected") {
  for (const char* text : {R"({"type":"service_account","private_key":"x"})", R"({"access_token":"x"})", R"({"other":1})",
                           R"({"installed":{"client_id":"a"}})", "[1]", "not json"}) {
    auto r = parse_console_file(text, "--credentials-file /tmp/x.json");
    CHECK_FALSE(r.client);
    CHECK(r.error.find("/tmp/x.json") != std::string::npos);
    CHECK(r.error.find("\"installed\"") != std::string::npos);
  }
}

TEST_CASE("the saved client round-trips and the tiers choose the Gmail scopes") {
  auto r = parse_saved(serialize(Client{"id1", "sec1", "installed"}));
  REQUIRE(r.client);
  CHECK(r.client->secret == "sec1");
  CHECK_FALSE(parse_saved("{}").client);
  auto full = scopes_for_tier("full");
  REQUIRE(full);
  CHECK(full->find("gmail.send") != std::string::npos);
  CHECK(full->find("gmail.modify") != std::string::npos);
  auto ro = scopes_for_tier("readonly");
  REQUIRE(ro);
  CHECK(ro->find("gmail.readonly") != std::string::npos);
  CHECK(ro->find("gmail.compose") != std::string::npos);
  CHECK(ro->find("gmail.send") == std::string::npos);
  CHECK_FALSE(scopes_for_tier("all"));
  CHECK(tier_of_scope(*ro) == "readonly");
  CHECK(tier_of_scope(*full) == "full");
}
