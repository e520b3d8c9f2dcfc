// Other tools' GitHub token files, as the Copilot CLI and the editor plugins write them.
#include "github_tokens.hpp"

#include <doctest/doctest.h>

using namespace jcode::copilot;

TEST_CASE("github tokens: what looks like a GitHub token") {
  for (const char* ok : {"gho_abc123", "ghu_x", "github_pat_11AB", "ghs_1"}) CHECK(looks_like_github_token(ok));
  for (const char* bad : {"", "gho_", "ghp_classic", "sk-123", "gho_a b", "Bearer gho_x"}) CHECK_FALSE(looks_like_github_token(bad));
}

TEST_CASE("github tokens: the Copilot CLI config is searched depth first for a token-looking value") {
  std::string err;
  auto t = from_cli_config(R"({"theme":"dark","auth":{"token":"not-a-token","nested":[{"oauth_token":"gho_deep1"}]},
                               "logged_in_users":[{"host":"https://github.com","login":"octo"}]})",
                           err);
  REQUIRE(t);
  CHECK(err.empty());
  CHECK(t->token == "gho_deep1");
  CHECK_FALSE(from_cli_config(R"({"token":"sk-nope"})", err));
  CHECK(err.empty());
  CHECK_FALSE(from_cli_config("[1,2]", err));
  CHECK(err == "is a JSON array, not an object");
}

TEST_CASE("github tokens: hosts.json and apps.json prefer github.com, then api.github.com, then *.github.com") {
  std::string err;
  auto t = from_hosts_file(R"({"enterprise.github.com":{"user":"e","oauth_token":"gho_ent"},
                               "api.github.com":{"user":"a","oauth_token":"gho_api"},
                               "github.com:Iv1.b507a08c87ecfe98":{"user":"octo","oauth_token":"ghu_main","githubAppId":"Iv1"}})",
                           err);
  REQUIRE(t);
  CHECK(t->token == "ghu_main");
  CHECK(t->user == "octo");
  t = from_hosts_file(R"({"enterprise.github.com":{"oauth_token":"gho_ent"},"api.github.com":{"oauth_token":"gho_api"}})", err);
  REQUIRE(t);
  CHECK(t->token == "gho_api");
  t = from_hosts_file(R"({"gitlab.com":{"oauth_token":"gho_x"},"notgithub.com":{"oauth_token":"gho_y"}})", err);
  CHECK_FALSE(t);
  CHECK_FALSE(from_hosts_file("{", err));
  CHECK(err.find("not valid JSON") != std::string::npos);
}
