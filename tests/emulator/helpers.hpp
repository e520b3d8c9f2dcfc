// Shared helpers for the emulator tests: an in-process emulator with a client.
#pragma once

#include <httplib.h>

#include <doctest/doctest.h>

#include <string>

#include "server.hpp"
#include "util.hpp"

namespace emutest {

using jemu::json;

inline jemu::Config test_config() {
  jemu::Config c;
  c.fixtures_dir = JCODE_TEST_FIXTURES_DIR;
  return c;
}

inline const char* kClaudeClient = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
inline const char* kOpenAIClient = "app_EMoamEEZ73f0CkXaXp7hrann";
inline const char* kCopilotClient = "Iv1.b507a08c87ecfe98";
inline const char* kIdentity = "You are Claude Code, Anthropic's official CLI for Claude.";
inline const char* kSmokePrompt = "Reply with exactly AUTH_TEST_OK and nothing else. Do not call tools.";
inline const char* kToolPrompt =
    "Use exactly one bash tool call with command exactly `echo JCODE_TOOL_OK`. After you see the tool result, "
    "reply with exactly AUTH_TEST_OK and nothing else.";

struct Emu {
  jemu::BackgroundServer srv;
  httplib::Client cli;

  explicit Emu(jemu::Config c = test_config()) : srv(c), cli("127.0.0.1", srv.port()) {
    cli.set_read_timeout(10, 0);
  }

  httplib::Result post_json(const std::string& path, const json& body, httplib::Headers h = {}) {
    return cli.Post(path.c_str(), h, body.dump(), "application/json");
  }
  httplib::Result post_raw(const std::string& path, const std::string& body, const std::string& ct,
                           httplib::Headers h = {}) {
    return cli.Post(path.c_str(), h, body, ct.c_str());
  }
  httplib::Result get(const std::string& path, httplib::Headers h = {}) { return cli.Get(path.c_str(), h); }

  /// Control API call; checks the status and returns the JSON body.
  json control(const std::string& path, const json& body = json::object(), int expect = 200) {
    auto r = post_json(path, body);
    REQUIRE(r);
    CHECK_MESSAGE(r->status == expect, r->body);
    return json::parse(r->body);
  }
  json control_get(const std::string& path) {
    auto r = get(path);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return json::parse(r->body);
  }
};

inline json body_json(const httplib::Result& r) {
  REQUIRE(r);
  auto j = json::parse(r->body, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), r->body);
  return j;
}

struct Pkce {
  std::string verifier = jemu::random_alnum(64);
  std::string challenge = jemu::pkce_s256(verifier);
};

inline std::string query_param(const std::string& url, const std::string& key) {
  auto q = url.find('?');
  if (q == std::string::npos) return {};
  auto form = jemu::parse_form(url.substr(q + 1));
  return form.count(key) ? form[key] : std::string();
}

/// Claude login through the control API's "user clicks approve"; returns the token response.
inline json claude_login(Emu& e, const std::string& redirect = "http://localhost:43210/callback") {
  Pkce p;
  json a = e.control("/_emulator/authorize",
                     {{"provider", "claude"},
                      {"params",
                       {{"client_id", kClaudeClient},
                        {"response_type", "code"},
                        {"redirect_uri", redirect},
                        {"scope", "user:profile user:inference"},
                        {"code_challenge", p.challenge},
                        {"code_challenge_method", "S256"},
                        {"state", "st-1"}}}});
  auto r = e.post_json("/platform.claude.com/v1/oauth/token", {{"grant_type", "authorization_code"},
                                                                {"code", a["code"]},
                                                                {"redirect_uri", redirect},
                                                                {"client_id", kClaudeClient},
                                                                {"code_verifier", p.verifier},
                                                                {"state", "st-1"}});
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  return json::parse(r->body);
}

inline json openai_login(Emu& e) {
  Pkce p;
  const std::string redirect = "http://localhost:1455/auth/callback";
  json a = e.control("/_emulator/authorize",
                     {{"provider", "openai"},
                      {"params",
                       {{"client_id", kOpenAIClient},
                        {"response_type", "code"},
                        {"redirect_uri", redirect},
                        {"scope", "openid profile email offline_access"},
                        {"code_challenge", p.challenge},
                        {"code_challenge_method", "S256"},
                        {"state", "s"}}}});
  auto r = e.post_raw("/auth.openai.com/oauth/token",
                      jemu::build_query({{"grant_type", "authorization_code"},
                                         {"client_id", kOpenAIClient},
                                         {"code", a["code"].get<std::string>()},
                                         {"code_verifier", p.verifier},
                                         {"redirect_uri", redirect}}),
                      "application/x-www-form-urlencoded");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  return json::parse(r->body);
}

/// Headers + body of a request that satisfies the Claude OAuth contract.
inline httplib::Headers claude_oauth_headers(const std::string& token) {
  return {{"Authorization", "Bearer " + token},
          {"anthropic-version", "2023-06-01"},
          {"User-Agent", "claude-cli/1.0.0"},
          {"anthropic-beta", "oauth-2025-04-20,claude-code-20250219"}};
}

inline json claude_oauth_body(const std::string& prompt, bool stream = false) {
  return {{"model", "claude-sonnet-4-5"},
          {"max_tokens", 256},
          {"stream", stream},
          {"system", json::array({{{"type", "text"}, {"text", kIdentity}}, {{"type", "text"}, {"text", "more"}}})},
          {"tools", json::array({{{"name", "shell_exec"},
                                  {"description", "run"},
                                  {"input_schema", {{"type", "object"}}}}})},
          {"messages", json::array({{{"role", "user"}, {"content", prompt}}})}};
}

inline std::string read_file(const std::string& path) {
  std::string err;
  auto pos = path.rfind('/');
  auto data = jemu::load_fixture(path.substr(0, pos), path.substr(pos + 1), &err);
  REQUIRE_MESSAGE(data, err);
  return *data;
}

}  // namespace emutest
