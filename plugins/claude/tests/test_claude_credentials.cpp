#include "credentials.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace jcode::claude;

TEST_CASE("jcode auth.json: active account chosen, legacy form read") {
  auto r = parse_jcode_auth(R"({"anthropic_accounts":[{"label":"a","access":"x1","refresh":"r1","expires":1},
    {"label":"b","access":"x2","refresh":"r2","expires":2,"email":"b@example.com"}],"active_anthropic_account":"b"})");
  REQUIRE(r.tokens);
  CHECK(r.tokens->access == "x2");
  CHECK(r.tokens->email == "b@example.com");
  auto legacy = parse_jcode_auth(R"({"anthropic":{"access":"A","refresh":"R","expires":5}})");
  REQUIRE(legacy.tokens);
  CHECK(legacy.tokens->expires_at_ms == 5);
  CHECK_FALSE(parse_jcode_auth("{").error.empty());
  CHECK_FALSE(parse_jcode_auth("{}").tokens);
}

TEST_CASE("Claude Code credentials: wrapped and bare, RFC 3339 expiry, scopes array") {
  auto r = parse_claude_code(R"({"claudeAiOauth":{"accessToken":"sk-ant-oat01-a","refreshToken":"sk-ant-ort01-b",
    "expiresAt":"2026-01-02T03:04:05.250Z","subscriptionType":"max","scopes":["user:inference","user:profile"]}})");
  REQUIRE(r.tokens);
  CHECK(r.tokens->expires_at_ms == 1767323045250);
  CHECK(r.tokens->scopes == "user:inference user:profile");
  auto bare = parse_claude_code(R"({"accessToken":"a","refreshToken":"b","expiresAt":123})");
  REQUIRE(bare.tokens);
  CHECK(bare.tokens->expires_at_ms == 123);
}

TEST_CASE("serialize keeps other accounts and unknown keys; removal picks the next account") {
  const char* cur = R"({"anthropic_accounts":[{"label":"work","access":"old","refresh":"oldr","expires":1,"note":"keep"},
    {"label":"home","access":"h","refresh":"hr","expires":2}],"active_anthropic_account":"work","other":42})";
  OAuthTokens t{"new", "newr", 99, "w@example.com", "max", "user:inference"};
  auto s = serialize_jcode_auth(cur, &t);
  REQUIRE(s.error.empty());
  auto doc = nlohmann::json::parse(s.text);
  CHECK(doc["other"] == 42);
  CHECK(doc["anthropic_accounts"].size() == 2);
  CHECK(doc["anthropic_accounts"][0]["access"] == "new");
  CHECK(doc["anthropic_accounts"][0]["note"] == "keep");
  CHECK(doc["anthropic_accounts"][1]["access"] == "h");
  auto back = parse_jcode_auth(s.text);
  REQUIRE(back.tokens);
  CHECK(back.tokens->refresh == "newr");

  auto removed = serialize_jcode_auth(s.text, nullptr);
  auto d2 = nlohmann::json::parse(removed.text);
  CHECK(d2["anthropic_accounts"].size() == 1);
  CHECK(d2["active_anthropic_account"] == "home");
  CHECK_FALSE(serialize_jcode_auth("not json", &t).error.empty());
}
