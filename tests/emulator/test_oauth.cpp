// OAuth authorization servers: every strictness rule is refused; rotation and reuse revocation.
#include "helpers.hpp"

using namespace emutest;

namespace {

std::string claude_authorize_url(const Pkce& p, const std::string& redirect = "http://localhost:5555/callback",
                                 const std::string& extra = "") {
  return "/claude.com/cai/oauth/authorize?code=true&client_id=" + std::string(kClaudeClient) +
         "&response_type=code&redirect_uri=" + jemu::url_encode(redirect) +
         "&scope=user%3Aprofile%20user%3Ainference&code_challenge=" + p.challenge +
         "&code_challenge_method=S256&state=the-state" + extra;
}

json claude_token(Emu& e, const json& body, int expect) {
  auto r = e.post_json("/platform.claude.com/v1/oauth/token", body);
  REQUIRE(r);
  CHECK_MESSAGE(r->status == expect, r->body);
  return json::parse(r->body);
}

int messages_status(Emu& e, const std::string& token) {
  auto r = e.post_json("/api.anthropic.com/v1/messages?beta=true", claude_oauth_body(kSmokePrompt),
                       claude_oauth_headers(token));
  REQUIRE(r);
  return r->status;
}

}  // namespace

TEST_CASE("authorize: auto-approve redirects with code and echoes state") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  Pkce p;
  auto r = e.get(claude_authorize_url(p));
  REQUIRE(r);
  CHECK(r->status == 302);
  const std::string loc = r->get_header_value("Location");
  CHECK(jemu::starts_with(loc, "http://localhost:5555/callback?code="));
  CHECK(query_param(loc, "state") == "the-state");
}

TEST_CASE("authorize: without auto-approve shows a consent page; approve and deny") {
  Emu e;
  Pkce p;
  auto page = e.get(claude_authorize_url(p));
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("decision") != std::string::npos);
  auto q = claude_authorize_url(p).substr(claude_authorize_url(p).find('?') + 1);
  auto allow = e.post_raw("/claude.com/cai/oauth/authorize", q + "&decision=allow", "application/x-www-form-urlencoded");
  REQUIRE(allow);
  CHECK(allow->status == 302);
  CHECK(!query_param(allow->get_header_value("Location"), "code").empty());
  auto deny = e.post_raw("/claude.com/cai/oauth/authorize", q + "&decision=deny", "application/x-www-form-urlencoded");
  REQUIRE(deny);
  CHECK(query_param(deny->get_header_value("Location"), "error") == "access_denied");
  CHECK(query_param(deny->get_header_value("Location"), "state") == "the-state");
}

TEST_CASE("authorize: unknown client_id and unregistered redirect_uri get an error page, no redirect") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  Pkce p;
  std::string url = claude_authorize_url(p);
  auto bad_client = url;
  bad_client.replace(bad_client.find(kClaudeClient), std::string(kClaudeClient).size(), "not-a-client");
  auto r = e.get(bad_client);
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(!r->has_header("Location"));
  // The OpenAI client id is not a Claude client.
  auto other = url;
  other.replace(other.find(kClaudeClient), std::string(kClaudeClient).size(), kOpenAIClient);
  CHECK(e.get(other)->status == 400);
  for (const char* bad : {"http://evil.example.com/callback", "http://localhost:5555/other",
                          "https://localhost:5555/callback", "http://localhost:5555/callback#frag"}) {
    auto rr = e.get(claude_authorize_url(p, bad));
    REQUIRE(rr);
    CHECK_MESSAGE(rr->status == 400, bad);
  }
}

TEST_CASE("authorize: loopback redirect_uri accepts any port (RFC 8252)") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  Pkce p;
  for (const char* ok : {"http://localhost:1/callback", "http://localhost:65000/callback",
                         "http://127.0.0.1:40000/callback", "https://platform.claude.com/oauth/code/callback"}) {
    auto r = e.get(claude_authorize_url(p, ok));
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 302, ok);
    CHECK(!query_param(r->get_header_value("Location"), "code").empty());
  }
  // OpenAI: registered http://localhost:1455/auth/callback, any port, same path.
  auto r = e.get("/auth.openai.com/oauth/authorize?response_type=code&client_id=" + std::string(kOpenAIClient) +
                 "&redirect_uri=" + jemu::url_encode("http://localhost:7777/auth/callback") +
                 "&scope=openid&code_challenge=" + p.challenge + "&code_challenge_method=S256&state=s");
  CHECK(r->status == 302);
}

TEST_CASE("authorize: response_type, PKCE and scope violations redirect with an error") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}});
  Pkce p;
  struct Case {
    std::string from, to, error;
  };
  const std::string base = claude_authorize_url(p);
  std::vector<Case> cases{
      {"response_type=code", "response_type=token", "unsupported_response_type"},
      {"&code_challenge_method=S256", "&code_challenge_method=plain", "invalid_request"},
      {"&code_challenge_method=S256", "", "invalid_request"},
      {"&code_challenge=" + p.challenge, "", "invalid_request"},
      {"&code_challenge=" + p.challenge, "&code_challenge=short", "invalid_request"},
      {"scope=user%3Aprofile%20user%3Ainference", "scope=user%3Aprofile%20admin%3Aeverything", "invalid_scope"},
  };
  for (const auto& c : cases) {
    std::string url = base;
    url.replace(url.find(c.from), c.from.size(), c.to);
    auto r = e.get(url);
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 302, url);
    const std::string loc = r->get_header_value("Location");
    CHECK_MESSAGE(query_param(loc, "error") == c.error, loc);
    CHECK(query_param(loc, "state") == "the-state");
    CHECK(query_param(loc, "code").empty());
  }
}

TEST_CASE("token: Claude requires a JSON body; OpenAI requires a form for code exchange") {
  Emu e;
  Pkce p;
  auto r = e.post_raw("/platform.claude.com/v1/oauth/token",
                      jemu::build_query({{"grant_type", "authorization_code"}, {"code", "x"},
                                         {"client_id", kClaudeClient}}),
                      "application/x-www-form-urlencoded");
  CHECK(r->status == 400);
  CHECK(body_json(r)["error"] == "invalid_request");
  auto r2 = e.post_json("/auth.openai.com/oauth/token", {{"grant_type", "authorization_code"},
                                                         {"client_id", kOpenAIClient},
                                                         {"code", "x"},
                                                         {"code_verifier", p.verifier},
                                                         {"redirect_uri", "http://localhost:1455/auth/callback"}});
  CHECK(r2->status == 400);
  CHECK(body_json(r2)["error"] == "invalid_request");
}

TEST_CASE("token: code exchange checks client, redirect_uri and PKCE verifier") {
  Emu e;
  Pkce p;
  const std::string redirect = "http://localhost:5555/callback";
  auto authorize = [&] {
    json a = e.control("/_emulator/authorize", {{"url", "https://claude.com" + claude_authorize_url(p).substr(11)}});
    return a["code"].get<std::string>();
  };
  json good = {{"grant_type", "authorization_code"}, {"redirect_uri", redirect},
               {"client_id", kClaudeClient},         {"code_verifier", p.verifier},
               {"state", "the-state"}};
  {
    json b = good;
    b["code"] = authorize();
    b["code_verifier"] = Pkce{}.verifier;
    CHECK(claude_token(e, b, 400)["error"] == "invalid_grant");
  }
  {
    json b = good;
    b["code"] = authorize();
    b.erase("code_verifier");
    CHECK(claude_token(e, b, 400)["error"] == "invalid_request");
  }
  {
    json b = good;
    b["code"] = authorize();
    b["redirect_uri"] = "http://localhost:5556/callback";
    CHECK(claude_token(e, b, 400)["error"] == "invalid_grant");
  }
  {
    json b = good;
    b["code"] = authorize();
    b["client_id"] = "someone-else";
    CHECK(claude_token(e, b, 401)["error"] == "invalid_client");
  }
  {
    json b = good;
    b["code"] = authorize();
    b["state"] = "other";
    CHECK(claude_token(e, b, 400)["error"] == "invalid_grant");
  }
  {
    json b = good;
    b["code"] = "never-issued";
    CHECK(claude_token(e, b, 400)["error"] == "invalid_grant");
  }
  {
    json b = good;
    b["code"] = authorize();
    b["grant_type"] = "password";
    CHECK(claude_token(e, b, 400)["error"] == "unsupported_grant_type");
  }
  {
    json b = good;
    b["code"] = authorize();
    e.control("/_emulator/advance-time", {{"seconds", 601}});
    CHECK(claude_token(e, b, 400)["error"] == "invalid_grant");
  }
  json b = good;
  b["code"] = authorize();
  json t = claude_token(e, b, 200);
  CHECK(jemu::starts_with(t["access_token"].get<std::string>(), "sk-ant-oat01-"));
  CHECK(jemu::starts_with(t["refresh_token"].get<std::string>(), "sk-ant-ort01-"));
  CHECK(t["token_type"] == "Bearer");
  CHECK(t["expires_in"].get<int>() > 0);
  CHECK(t["scope"] == "user:profile user:inference");
}

TEST_CASE("token: a replayed code is refused and the tokens issued from it are revoked") {
  Emu e;
  Pkce p;
  json a = e.control("/_emulator/authorize", {{"url", claude_authorize_url(p)}});
  json b = {{"grant_type", "authorization_code"}, {"code", a["code"]},
            {"redirect_uri", "http://localhost:5555/callback"}, {"client_id", kClaudeClient},
            {"code_verifier", p.verifier}};
  json t = claude_token(e, b, 200);
  CHECK(messages_status(e, t["access_token"]) == 200);
  CHECK(claude_token(e, b, 400)["error"] == "invalid_grant");
  CHECK(messages_status(e, t["access_token"]) == 401);
  json rb = {{"grant_type", "refresh_token"}, {"refresh_token", t["refresh_token"]}, {"client_id", kClaudeClient}};
  CHECK(claude_token(e, rb, 400)["error"] == "invalid_grant");
}

TEST_CASE("refresh: rotates the refresh token; reuse of the old one revokes the whole grant (RFC 9700)") {
  Emu e;
  json t1 = claude_login(e);
  json rb = {{"grant_type", "refresh_token"}, {"refresh_token", t1["refresh_token"]}, {"client_id", kClaudeClient},
             {"scope", "user:inference"}};
  json t2 = claude_token(e, rb, 200);
  CHECK(t2["refresh_token"] != t1["refresh_token"]);
  CHECK(t2["access_token"] != t1["access_token"]);
  CHECK(t2["scope"] == "user:inference");
  CHECK(messages_status(e, t2["access_token"]) == 200);
  // Reuse of t1's refresh token: refused, and t2 (same grant) dies with it.
  CHECK(claude_token(e, rb, 400)["error"] == "invalid_grant");
  CHECK(messages_status(e, t2["access_token"]) == 401);
  json rb2 = {{"grant_type", "refresh_token"}, {"refresh_token", t2["refresh_token"]}, {"client_id", kClaudeClient}};
  CHECK(claude_token(e, rb2, 400)["error"] == "invalid_grant");
  auto grants = e.control_get("/_emulator/grants");
  REQUIRE(grants.size() == 1);
  CHECK(grants[0]["revoked"] == true);
}

TEST_CASE("refresh: a scope wider than the grant is invalid_scope; wrong client is refused") {
  Emu e;
  json t = claude_login(e);
  json rb = {{"grant_type", "refresh_token"}, {"refresh_token", t["refresh_token"]}, {"client_id", kClaudeClient},
             {"scope", "user:inference org:create_api_key"}};
  CHECK(claude_token(e, rb, 400)["error"] == "invalid_scope");
  rb.erase("scope");
  rb["client_id"] = "nope";
  CHECK(claude_token(e, rb, 401)["error"] == "invalid_client");
  rb["client_id"] = kClaudeClient;
  claude_token(e, rb, 200);  // the failed attempts did not consume it
}

TEST_CASE("OpenAI: form exchange, JWTs with the account claim, JSON refresh as Codex sends it") {
  Emu e;
  json t = openai_login(e);
  auto access = jemu::jwt_payload(t["access_token"].get<std::string>());
  auto id = jemu::jwt_payload(t["id_token"].get<std::string>());
  REQUIRE(access);
  REQUIRE(id);
  const std::string account = (*id)["https://api.openai.com/auth"]["chatgpt_account_id"];
  CHECK(!account.empty());
  CHECK((*access)["https://api.openai.com/auth"]["chatgpt_account_id"] == account);
  CHECK((*access)["exp"].get<std::int64_t>() > jemu::unix_now_s());
  CHECK((*id)["email"] == "user@example.com");
  auto r = e.post_json("/auth.openai.com/oauth/token", {{"client_id", kOpenAIClient},
                                                       {"grant_type", "refresh_token"},
                                                       {"refresh_token", t["refresh_token"]}});
  REQUIRE(r->status == 200);
  json t2 = body_json(r);
  CHECK(t2["refresh_token"] != t["refresh_token"]);
  auto form = e.post_raw("/auth.openai.com/oauth/token",
                         jemu::build_query({{"grant_type", "refresh_token"}, {"client_id", kOpenAIClient},
                                            {"refresh_token", t["refresh_token"].get<std::string>()}}),
                         "application/x-www-form-urlencoded");
  CHECK(form->status == 400);
  CHECK(body_json(form)["error"] == "invalid_grant");
}

TEST_CASE("revocation endpoint revokes the grant of a refresh token") {
  Emu e;
  json t = claude_login(e);
  auto r = e.post_json("/platform.claude.com/v1/oauth/revoke", {{"token", t["refresh_token"]}, {"client_id", kClaudeClient}});
  CHECK(r->status == 200);
  CHECK(messages_status(e, t["access_token"]) == 401);
  auto unknown = e.post_json("/platform.claude.com/v1/oauth/revoke", {{"token", "whatever"}});
  CHECK(unknown->status == 200);
}

TEST_CASE("generic server: configurable clients, confidential client needs its secret") {
  Emu e;
  e.control("/_emulator/oauth-clients", {{"client_id", "my-app"},
                                         {"client_secret", "s3cret"},
                                         {"redirect_uris", {"https://app.example.com/cb"}},
                                         {"scopes", {"read", "write"}}});
  Pkce p;
  json a = e.control("/_emulator/authorize", {{"provider", "generic"},
                                              {"params",
                                               {{"client_id", "my-app"},
                                                {"response_type", "code"},
                                                {"redirect_uri", "https://app.example.com/cb"},
                                                {"scope", "read"},
                                                {"code_challenge", p.challenge},
                                                {"code_challenge_method", "S256"}}}});
  const std::string form = jemu::build_query({{"grant_type", "authorization_code"},
                                              {"code", a["code"].get<std::string>()},
                                              {"redirect_uri", "https://app.example.com/cb"},
                                              {"code_verifier", p.verifier}});
  auto no_secret = e.post_raw("/oauth.example.com/token", form + "&client_id=my-app", "application/x-www-form-urlencoded");
  CHECK(no_secret->status == 401);
  CHECK(body_json(no_secret)["error"] == "invalid_client");
  auto basic = e.post_raw("/oauth.example.com/token", form, "application/x-www-form-urlencoded",
                          {{"Authorization", "Basic " + jemu::base64url_encode("my-app:s3cret") + "="}});
  CHECK_MESSAGE(basic->status == 200, basic->body);
  CHECK(jemu::starts_with(body_json(basic)["access_token"].get<std::string>(), "emu_at_"));
}

TEST_CASE("control: minted tokens refresh like issued ones") {
  Emu e;
  json t = e.control("/_emulator/tokens", {{"provider", "claude"}});
  CHECK(messages_status(e, t["access_token"]) == 200);
  e.control("/_emulator/expire-access-tokens");
  CHECK(messages_status(e, t["access_token"]) == 401);
  json t2 = claude_token(e, {{"grant_type", "refresh_token"}, {"refresh_token", t["refresh_token"]},
                             {"client_id", kClaudeClient}}, 200);
  CHECK(messages_status(e, t2["access_token"]) == 200);
  e.control("/_emulator/revoke-grant", {{"refresh_token", t2["refresh_token"]}});
  CHECK(messages_status(e, t2["access_token"]) == 401);
}
