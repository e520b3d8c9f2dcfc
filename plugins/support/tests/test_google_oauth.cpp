// Google's OAuth dialect: token files with expiry_date in ms, a refresh keeps the refresh
// token, a login without one says how to get one.
#include <jcode/support/google_oauth.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace google = jcode::support::google;
using nlohmann::json;

TEST_CASE("a Gemini CLI style token file is read with expiry_date in milliseconds") {
  auto p = google::parse_token_file(R"({"access_token":"ya29.a","refresh_token":"1//r","expiry_date":1767225600000,"scope":"s"})",
                                    "~/.gemini/oauth_creds.json");
  REQUIRE(p.tokens);
  CHECK(p.tokens->expiry_date_ms == 1767225600000);
  CHECK(p.tokens->refresh == "1//r");
  auto secs = google::parse_token_file(R"({"access_token":"a","expires_at":1767225600})", "f");
  REQUIRE(secs.tokens);
  CHECK(secs.tokens->expiry_date_ms == 1767225600000);
  CHECK_FALSE(google::parse_token_file("{}", "f").tokens);
  auto bad = google::parse_token_file("[1]", "~/.jcode/gemini_oauth.json");
  CHECK(bad.error.find("gemini_oauth.json") != std::string::npos);
}

TEST_CASE("the token file is written with expiry_date and keeps unknown fields") {
  google::Tokens t;
  t.access = "a";
  t.refresh = "r";
  t.expiry_date_ms = 5000;
  t.email = "u@example.com";
  std::string err;
  std::string out = google::serialize_token_file(R"({"custom":1,"expires_at":3})", t, err);
  REQUIRE(err.empty());
  json j = json::parse(out);
  CHECK(j["expiry_date"] == 5000);
  CHECK(j["custom"] == 1);
  CHECK_FALSE(j.contains("expires_at"));
  CHECK(j["email"] == "u@example.com");
}

TEST_CASE("a refresh without a refresh_token keeps the old one; a login without one is an error") {
  google::Tokens prev;
  prev.refresh = "1//old";
  prev.email = "u@example.com";
  prev.project_id = "p";
  auto r = google::map_token_response(R"({"access_token":"new","expires_in":3599})", &prev, 1000, "jcode login --provider gemini");
  REQUIRE(r.tokens);
  CHECK(r.tokens->refresh == "1//old");
  CHECK(r.tokens->expiry_date_ms == 1000 + 3599 * 1000);
  CHECK(r.tokens->email == "u@example.com");
  CHECK(r.tokens->project_id == "p");
  auto l = google::map_token_response(R"({"access_token":"new","expires_in":3599})", nullptr, 0, "jcode login --provider gemini");
  CHECK_FALSE(l.tokens);
  CHECK(l.error.find("myaccount.google.com/permissions") != std::string::npos);
  CHECK(l.error.find("jcode login --provider gemini") != std::string::npos);
}

TEST_CASE("a Code Assist project is a string or an object with an id") {
  CHECK(google::project_of(json("p1")) == "p1");
  CHECK(google::project_of(json{{"id", "p2"}, {"name", "x"}}) == "p2");
  CHECK(google::project_of(json()) == "");
}
