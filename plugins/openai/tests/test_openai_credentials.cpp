#include "credentials.hpp"
#include "jwt.hpp"
#include "jwt_maker.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace jcode::openai;
using nlohmann::json;
using openai_test::jwt;

namespace {

const std::string kIdToken = jwt({{"email", "ada@example.com"},
                                  {"https://api.openai.com/auth",
                                   {{"chatgpt_account_id", "acct-123"}, {"chatgpt_plan_type", "plus"}}},
                                  {"exp", 1900000000}});
const std::string kAccess = jwt({{"exp", 1800000000}, {"https://api.openai.com/auth", {{"chatgpt_account_id", "acct-123"}}}});

}  // namespace

TEST_CASE("JWT claims: ChatGPT account id, email, expiry; garbage yields nothing") {
  CHECK(chatgpt_account_id(kIdToken) == "acct-123");
  CHECK(jwt_email(kIdToken) == "ada@example.com");
  CHECK(jwt_email(jwt({{"https://api.openai.com/profile", {{"email", "p@example.com"}}}})) == "p@example.com");
  CHECK(jwt_exp_ms(kAccess) == 1800000000000LL);
  CHECK(chatgpt_account_id("not-a-jwt") == "");
  CHECK(chatgpt_account_id("a.!!!.c") == "");
  CHECK(jwt_exp_ms("a." + openai_test::b64url("[1,2]") + ".c") == 0);
  CHECK(base64url_decode("aGk") == std::optional<std::string>("hi"));
  CHECK(base64url_decode("aGk=") == std::optional<std::string>("hi"));
  CHECK_FALSE(base64url_decode("a*b").has_value());
}

TEST_CASE("Codex auth.json as real Codex writes it: tokens, no expiry stored → JWT exp") {
  json codex = {{"auth_mode", "chatgpt"},
                {"OPENAI_API_KEY", nullptr},
                {"tokens", {{"id_token", kIdToken}, {"access_token", kAccess}, {"refresh_token", "rt-1"},
                            {"account_id", "acct-123"}}},
                {"last_refresh", "2025-09-01T10:00:00.123Z"}};
  auto r = parse_codex_auth(codex.dump());
  REQUIRE(r.error.empty());
  REQUIRE(r.tokens);
  CHECK_FALSE(r.tokens->api_key);
  CHECK(r.tokens->access == kAccess);
  CHECK(r.tokens->refresh == "rt-1");
  CHECK(r.tokens->id_token == kIdToken);
  CHECK(r.tokens->account_id == "acct-123");
  CHECK(r.tokens->email == "ada@example.com");
  CHECK(r.tokens->expires_at_ms == 1800000000000LL);

  SUBCASE("no account_id field: taken from the id_token claim") {
    codex["tokens"].erase("account_id");
    auto r2 = parse_codex_auth(codex.dump());
    REQUIRE(r2.tokens);
    CHECK(r2.tokens->account_id == "acct-123");
  }
  SUBCASE("a stored expires_at wins, in seconds or milliseconds") {
    codex["tokens"]["expires_at"] = 1700000000;
    CHECK(parse_codex_auth(codex.dump()).tokens->expires_at_ms == 1700000000000LL);
    codex["tokens"]["expires_at"] = 1700000000123LL;
    CHECK(parse_codex_auth(codex.dump()).tokens->expires_at_ms == 1700000000123LL);
  }
  SUBCASE("auth_mode apikey with a key: the key is used") {
    codex["auth_mode"] = "apikey";
    codex["OPENAI_API_KEY"] = "sk-proj-abc";
    auto r3 = parse_codex_auth(codex.dump());
    REQUIRE(r3.tokens);
    CHECK(r3.tokens->api_key);
    CHECK(r3.tokens->access == "sk-proj-abc");
  }
}

TEST_CASE("Codex auth.json: API-key only, empty, malformed") {
  auto k = parse_codex_auth(R"({"OPENAI_API_KEY":"sk-test-1","tokens":null})");
  REQUIRE(k.tokens);
  CHECK(k.tokens->api_key);
  CHECK(k.tokens->access == "sk-test-1");
  CHECK(k.tokens->refresh.empty());
  auto none = parse_codex_auth(R"({"OPENAI_API_KEY":null,"tokens":{"access_token":""}})");
  CHECK_FALSE(none.tokens);
  CHECK(none.error.empty());
  auto bad = parse_codex_auth("[1]");
  CHECK_FALSE(bad.tokens);
  CHECK(bad.error.find("codex login") != std::string::npos);
}

TEST_CASE("openai-auth.json: the active account, legacy flat files, and round trips") {
  json file = {{"openai_accounts",
                json::array({{{"label", "work"}, {"access_token", "at-w"}, {"refresh_token", "rt-w"},
                              {"account_id", "acct-w"}, {"expires_at", 1700000000000LL}},
                             {{"label", "home"}, {"access_token", kAccess}, {"refresh_token", "rt-h"},
                              {"id_token", kIdToken}, {"note", "kept"}}})},
               {"active_openai_account", "home"}};
  auto r = parse_jcode_auth(file.dump());
  REQUIRE(r.tokens);
  CHECK(r.tokens->refresh == "rt-h");
  CHECK(r.tokens->account_id == "acct-123");          // from the id_token
  CHECK(r.tokens->expires_at_ms == 1800000000000LL);  // from the access token

  SUBCASE("a refresh of the active account updates it in place and keeps everything else") {
    Tokens t = *r.tokens;
    t.access = "at-new";
    t.refresh = "rt-new";
    t.expires_at_ms = 1900000000000LL;
    auto s = serialize_jcode_auth(file.dump(), &t);
    REQUIRE(s.error.empty());
    json out = json::parse(s.text);
    REQUIRE(out["openai_accounts"].size() == 2);
    CHECK(out["active_openai_account"] == "home");
    CHECK(out["openai_accounts"][1]["access_token"] == "at-new");
    CHECK(out["openai_accounts"][1]["refresh_token"] == "rt-new");
    CHECK(out["openai_accounts"][1]["note"] == "kept");
    CHECK(out["openai_accounts"][0]["access_token"] == "at-w");
    auto back = parse_jcode_auth(s.text);
    CHECK(back.tokens->access == "at-new");
    CHECK(back.tokens->expires_at_ms == 1900000000000LL);
  }
  SUBCASE("logging in to the other account switches to it; removing it switches back") {
    Tokens w;
    w.access = "at-w2";
    w.refresh = "rt-w2";
    w.account_id = "acct-w";
    auto s = serialize_jcode_auth(file.dump(), &w);
    json out = json::parse(s.text);
    CHECK(out["active_openai_account"] == "work");
    CHECK(out["openai_accounts"][0]["access_token"] == "at-w2");
    auto removed = serialize_jcode_auth(s.text, nullptr);
    json after = json::parse(removed.text);
    REQUIRE(after["openai_accounts"].size() == 1);
    CHECK(after["active_openai_account"] == "home");
  }
  SUBCASE("a new account gets a fresh label") {
    Tokens n;
    n.access = "at-n";
    n.refresh = "rt-n";
    n.account_id = "acct-new";
    json out = json::parse(serialize_jcode_auth(file.dump(), &n).text);
    REQUIRE(out["openai_accounts"].size() == 3);
    CHECK(out["active_openai_account"] == "openai-3");
  }
}

TEST_CASE("openai-auth.json: empty store, legacy flat shape, malformed content") {
  Tokens t;
  t.access = "at";
  t.refresh = "rt";
  t.account_id = "acct";
  auto s = serialize_jcode_auth("", &t);
  json out = json::parse(s.text);
  CHECK(out["active_openai_account"] == "default");
  CHECK(parse_jcode_auth(s.text).tokens->access == "at");

  auto legacy = parse_jcode_auth(R"({"access_token":"old","refresh_token":"r","expires_at":1700000000})");
  REQUIRE(legacy.tokens);
  CHECK(legacy.tokens->expires_at_ms == 1700000000000LL);
  json migrated = json::parse(serialize_jcode_auth(R"({"access_token":"old","refresh_token":"r"})", &t).text);
  CHECK(migrated["openai_accounts"].size() == 1);  // same (unknown) account: updated in place
  CHECK_FALSE(migrated.contains("access_token"));

  CHECK_FALSE(parse_jcode_auth(R"({"openai_accounts":[]})").tokens);
  CHECK(parse_jcode_auth("nope").error.find("openai-auth.json") != std::string::npos);
  CHECK_FALSE(serialize_jcode_auth("nope", &t).error.empty());
}

TEST_CASE("token endpoint responses: expiry, rotation, kept fields") {
  auto r = map_token_response(json{{"access_token", kAccess}, {"refresh_token", "rt-2"}, {"id_token", kIdToken},
                                   {"expires_in", 3600}}
                                  .dump(),
                              nullptr, 1000);
  REQUIRE(r.tokens);
  CHECK(r.tokens->expires_at_ms == 1000 + 3600 * 1000);
  CHECK(r.tokens->account_id == "acct-123");
  CHECK(r.tokens->email == "ada@example.com");

  Tokens prev;
  prev.refresh = "rt-old";
  prev.id_token = kIdToken;
  prev.account_id = "acct-123";
  auto refreshed = map_token_response(json{{"access_token", "opaque"}}.dump(), &prev, 0);
  REQUIRE(refreshed.tokens);
  CHECK(refreshed.tokens->refresh == "rt-old");  // no rotation in the answer: the old one is kept
  CHECK(refreshed.tokens->id_token == kIdToken);
  CHECK(refreshed.tokens->account_id == "acct-123");
  CHECK(refreshed.tokens->expires_at_ms == 0);

  auto bad = map_token_response(R"({"error":"invalid_grant"})", nullptr, 0);
  CHECK_FALSE(bad.tokens);
  CHECK(bad.error.find("access_token") != std::string::npos);
}
