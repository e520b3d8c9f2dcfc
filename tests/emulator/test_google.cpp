// Google stand-ins: every strictness rule of the OAuth server, no rotation on refresh, the
// Code Assist tiers and onboarding operation, the Gemini request rules, API keys, Gmail.
#include "helpers.hpp"

using namespace emutest;

namespace {

const char* kGemini = "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com";
const char* kGeminiSecret = "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";
const std::string kScope = "https://www.googleapis.com/auth/cloud-platform";

std::string authorize(const Pkce& p, const std::string& extra = "&access_type=offline&prompt=consent",
                      const std::string& redirect = "http://127.0.0.1:4567/oauth2callback") {
  return "/accounts.google.com/o/oauth2/v2/auth?client_id=" + std::string(kGemini) + "&response_type=code&redirect_uri=" +
         jemu::url_encode(redirect) + "&scope=" + jemu::url_encode(kScope) + "&code_challenge=" + p.challenge +
         "&code_challenge_method=S256&state=st" + extra;
}

httplib::Result exchange(Emu& e, const std::string& code, const Pkce& p, const std::string& secret = kGeminiSecret,
                         const std::string& redirect = "http://127.0.0.1:4567/oauth2callback") {
  std::string body = "grant_type=authorization_code&code=" + jemu::url_encode(code) + "&client_id=" + kGemini +
                     "&client_secret=" + jemu::url_encode(secret) + "&redirect_uri=" + jemu::url_encode(redirect) +
                     "&code_verifier=" + p.verifier;
  return e.post_raw("/oauth2.googleapis.com/token", body, "application/x-www-form-urlencoded");
}

std::string code_of(Emu& e, const std::string& url) {
  auto r = e.get(url);
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 302, r->body);
  return query_param(r->get_header_value("Location"), "code");
}

json login(Emu& e) {
  Pkce p;
  auto r = exchange(e, code_of(e, authorize(p)), p);
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  return json::parse(r->body);
}

httplib::Headers bearer(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }

json gen_body(const json& request, const std::string& project = "emu-free-project-4242") {
  return {{"model", "gemini-2.5-pro"}, {"project", project}, {"request", request}};
}

}  // namespace

TEST_CASE("google authorize: PKCE S256 is required, redirects must be registered") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  Pkce p;
  auto plain = e.get(authorize(p).replace(authorize(p).find("S256"), 4, "plain"));
  REQUIRE(plain);
  CHECK(plain->status == 400);
  auto no_pkce = e.get("/accounts.google.com/o/oauth2/v2/auth?client_id=" + std::string(kGemini) +
                       "&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Foauth2callback&scope=x");
  REQUIRE(no_pkce);
  CHECK(no_pkce->status == 400);
  auto bad_redirect = e.get(authorize(p, "", "http://evil.example/cb"));
  REQUIRE(bad_redirect);
  CHECK(bad_redirect->status == 400);
  CHECK(bad_redirect->body.find("redirect_uri_mismatch") != std::string::npos);
}

TEST_CASE("google token: wrong secret, wrong verifier, code reuse; refresh only with prompt=consent") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  Pkce p;
  std::string code = code_of(e, authorize(p));
  auto wrong_secret = exchange(e, code, p, "nope");
  REQUIRE(wrong_secret);
  CHECK(wrong_secret->status == 401);
  CHECK(body_json(wrong_secret)["error"] == "invalid_client");
  Pkce other;
  auto wrong_verifier = exchange(e, code, other);
  REQUIRE(wrong_verifier);
  CHECK(wrong_verifier->status == 400);
  auto ok = exchange(e, code, p);
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(body_json(ok).contains("refresh_token"));
  auto again = exchange(e, code, p);
  REQUIRE(again);
  CHECK(again->status == 400);
  Pkce q;
  auto online = exchange(e, code_of(e, authorize(q, "")), q);
  REQUIRE(online);
  CHECK(online->status == 200);
  CHECK_FALSE(body_json(online).contains("refresh_token"));
}

TEST_CASE("google refresh: a new access token, no new refresh token, the old one stays valid") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  json t = login(e);
  const std::string rt = t["refresh_token"];
  for (int i = 0; i < 2; ++i) {
    auto r = e.post_raw("/oauth2.googleapis.com/token",
                        "grant_type=refresh_token&refresh_token=" + jemu::url_encode(rt) + "&client_id=" + kGemini +
                            "&client_secret=" + kGeminiSecret,
                        "application/x-www-form-urlencoded");
    REQUIRE(r);
    CHECK(r->status == 200);
    json j = body_json(r);
    CHECK_FALSE(j.contains("refresh_token"));
    CHECK(j["access_token"] != t["access_token"]);
  }
}

TEST_CASE("code assist: onboarding is a long-running operation; then the tier is current") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  e.control("/_emulator/google/code-assist", {{"onboard_polls", 2}});
  const std::string at = login(e)["access_token"];
  json meta = {{"metadata", {{"pluginType", "GEMINI"}}}};
  json load = body_json(e.post_json("/cloudcode-pa.googleapis.com/v1internal:loadCodeAssist", meta, bearer(at)));
  CHECK_FALSE(load.contains("currentTier"));
  auto with_project = e.post_json("/cloudcode-pa.googleapis.com/v1internal:onboardUser",
                                  {{"tierId", "free-tier"}, {"cloudaicompanionProject", "x"}}, bearer(at));
  REQUIRE(with_project);
  CHECK(with_project->status == 400);
  json op = body_json(e.post_json("/cloudcode-pa.googleapis.com/v1internal:onboardUser", {{"tierId", "free-tier"}}, bearer(at)));
  CHECK(op["done"] == false);
  const std::string name = op["name"];
  CHECK(body_json(e.get("/cloudcode-pa.googleapis.com/v1internal/" + name, bearer(at)))["done"] == false);
  json done = body_json(e.get("/cloudcode-pa.googleapis.com/v1internal/" + name, bearer(at)));
  CHECK(done["done"] == true);
  CHECK(done["response"]["cloudaicompanionProject"]["id"] == "emu-free-project-4242");
  json after = body_json(e.post_json("/cloudcode-pa.googleapis.com/v1internal:loadCodeAssist", meta, bearer(at)));
  CHECK(after["currentTier"]["id"] == "free-tier");
  auto unauth = e.post_json("/cloudcode-pa.googleapis.com/v1internal:loadCodeAssist", meta, bearer("ya29.bogus"));
  REQUIRE(unauth);
  CHECK(unauth->status == 401);
}

TEST_CASE("code assist tiers: workspace needs a project, validation names its URL, a reset starts over") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  const std::string at = login(e)["access_token"];
  json meta = {{"metadata", {{"pluginType", "GEMINI"}}}};
  e.control("/_emulator/google/code-assist", {{"mode", "workspace"}});
  json ws = body_json(e.post_json("/cloudcode-pa.googleapis.com/v1internal:loadCodeAssist", meta, bearer(at)));
  CHECK(ws["currentTier"]["userDefinedCloudaicompanionProject"] == true);
  CHECK_FALSE(ws.contains("cloudaicompanionProject"));
  e.control("/_emulator/google/code-assist", {{"mode", "validation"}});
  json v = body_json(e.post_json("/cloudcode-pa.googleapis.com/v1internal:loadCodeAssist", meta, bearer(at)));
  CHECK(v["ineligibleTiers"][0]["reasonCode"] == "VALIDATION_REQUIRED");
  CHECK_FALSE(v["ineligibleTiers"][0]["validationUrl"].get<std::string>().empty());
  e.control("/_emulator/reset");
  e.control("/_emulator/config", {{"auto_approve", true}});
  const std::string at2 = login(e)["access_token"];
  json fresh = body_json(e.post_json("/cloudcode-pa.googleapis.com/v1internal:loadCodeAssist", meta, bearer(at2)));
  CHECK(fresh.contains("allowedTiers"));
  CHECK_FALSE(fresh.contains("ineligibleTiers"));
}

TEST_CASE("gemini requests: schema keys Gemini refuses, unanswered calls, alt=sse, the project") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  e.control("/_emulator/google/code-assist", {{"mode", "onboarded"}});
  const std::string at = login(e)["access_token"];
  const std::string url = "/cloudcode-pa.googleapis.com/v1internal:streamGenerateContent?alt=sse";
  json user = {{"role", "user"}, {"parts", {{{"text", kSmokePrompt}}}}};
  auto ok = e.post_json(url, gen_body({{"contents", {user}}}), bearer(at));
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(ok->body.find("AUTH_TEST_OK") != std::string::npos);
  CHECK(ok->body.find("\"response\"") != std::string::npos);
  json tools = {{{"functionDeclarations", {{{"name", "bash"}, {"parameters", {{"type", "object"}, {"additionalProperties", false}}}}}}}};
  auto bad_schema = e.post_json(url, gen_body({{"contents", {user}}, {"tools", tools}}), bearer(at));
  REQUIRE(bad_schema);
  CHECK(bad_schema->status == 400);
  CHECK(bad_schema->body.find("additionalProperties") != std::string::npos);
  json orphan = {{"role", "user"}, {"parts", {{{"functionResponse", {{"name", "bash"}, {"response", {{"output", "x"}}}}}}}}};
  auto unanswered = e.post_json(url, gen_body({{"contents", {user, orphan}}}), bearer(at));
  REQUIRE(unanswered);
  CHECK(unanswered->status == 400);
  auto no_sse = e.post_json("/cloudcode-pa.googleapis.com/v1internal:streamGenerateContent", gen_body({{"contents", {user}}}),
                            bearer(at));
  REQUIRE(no_sse);
  CHECK(no_sse->status == 400);
  auto wrong_project = e.post_json(url, gen_body({{"contents", {user}}}, "someone-elses"), bearer(at));
  REQUIRE(wrong_project);
  CHECK(wrong_project->status == 403);
}

TEST_CASE("gemini api: x-goog-api-key is checked; a tool call streams as functionCall") {
  Emu e;
  const std::string url = "/generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse";
  json body = {{"contents", {{{"role", "user"}, {"parts", {{{"text", kToolPrompt}}}}}}},
               {"tools", {{{"functionDeclarations", {{{"name", "bash"}, {"parameters", {{"type", "object"}}}}}}}}}};
  auto bad = e.post_json(url, body, {{"x-goog-api-key", "nope"}});
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->body.find("API_KEY_INVALID") != std::string::npos);
  auto ok = e.post_json(url, body, {{"x-goog-api-key", "emulator-gemini-api-key"}});
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(ok->body.find("functionCall") != std::string::npos);
  CHECK(ok->body.find("echo JCODE_TOOL_OK") != std::string::npos);
}

TEST_CASE("gemini 3: function calls carry a thought signature and must be sent back with it") {
  Emu e;
  const std::string url = "/generativelanguage.googleapis.com/v1beta/models/gemini-3-pro:streamGenerateContent?alt=sse";
  const httplib::Headers key{{"x-goog-api-key", "emulator-gemini-api-key"}};
  json tools = {{{"functionDeclarations", {{{"name", "bash"}, {"parameters", {{"type", "object"}}}}}}}};
  json user = {{"role", "user"}, {"parts", {{{"text", kToolPrompt}}}}};
  auto first = e.post_json(url, {{"contents", {user}}, {"tools", tools}}, key);
  REQUIRE(first);
  CHECK(first->body.find("\"thoughtSignature\":\"emu-sig-") != std::string::npos);
  json call = {{"role", "model"}, {"parts", {{{"functionCall", {{"name", "bash"}, {"args", {{"command", "echo JCODE_TOOL_OK"}}}}}}}}};
  json result = {{"role", "user"}, {"parts", {{{"functionResponse", {{"name", "bash"}, {"response", {{"output", "JCODE_TOOL_OK"}}}}}}}}};
  auto unsigned_call = e.post_json(url, {{"contents", {user, call, result}}, {"tools", tools}}, key);
  REQUIRE(unsigned_call);
  CHECK(unsigned_call->status == 400);
  CHECK(unsigned_call->body.find("thought_signature") != std::string::npos);
  call["parts"][0]["thoughtSignature"] = "emu-sig-abc";
  auto signed_call = e.post_json(url, {{"contents", {user, call, result}}, {"tools", tools}}, key);
  REQUIRE(signed_call);
  CHECK(signed_call->status == 200);
}

TEST_CASE("gmail profile needs a gmail-scoped token") {
  Emu e;
  json gmail = e.control("/_emulator/google/tokens", {{"product", "gmail"}});
  auto ok = e.get("/gmail.googleapis.com/gmail/v1/users/me/profile", bearer(gmail["access_token"]));
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(body_json(ok)["emailAddress"] == "user@example.com");
  json gem = e.control("/_emulator/google/tokens", {{"product", "gemini"}});
  auto no = e.get("/gmail.googleapis.com/gmail/v1/users/me/profile", bearer(gem["access_token"]));
  REQUIRE(no);
  CHECK(no->status == 401);
}
