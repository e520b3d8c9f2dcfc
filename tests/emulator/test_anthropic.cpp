// Anthropic Messages API: API-key mode, the Claude Code OAuth contract (one test per rule),
// token states, tool_use/tool_result pairing and the scripted tool smoke.
#include "helpers.hpp"
#include "sse.hpp"

using namespace emutest;

namespace {

const char* kPath = "/api.anthropic.com/v1/messages";
const char* kOAuthPath = "/api.anthropic.com/v1/messages?beta=true";

httplib::Headers key_headers() {
  return {{"x-api-key", "sk-ant-api03-emulator-key"}, {"anthropic-version", "2023-06-01"}};
}

json plain_body(const json& messages, bool stream = false) {
  return {{"model", "claude-sonnet-4-5"}, {"max_tokens", 100}, {"stream", stream}, {"messages", messages}};
}

void check_refused(const httplib::Result& r, int status, const std::string& type) {
  REQUIRE(r);
  CHECK_MESSAGE(r->status == status, r->body);
  json j = body_json(r);
  CHECK(j["type"] == "error");
  CHECK_MESSAGE(j["error"]["type"] == type, r->body);
  CHECK(j["error"]["message"].is_string());
}

}  // namespace

TEST_CASE("api key mode: auth and anthropic-version are required") {
  Emu e;
  json body = plain_body({{{"role", "user"}, {"content", kSmokePrompt}}});
  check_refused(e.post_json(kPath, body, {{"anthropic-version", "2023-06-01"}}), 401, "authentication_error");
  check_refused(e.post_json(kPath, body, {{"x-api-key", "sk-ant-wrong"}, {"anthropic-version", "2023-06-01"}}), 401,
                "authentication_error");
  check_refused(e.post_json(kPath, body, {{"x-api-key", "sk-ant-api03-emulator-key"}}), 400, "invalid_request_error");
  auto ok = e.post_json(kPath, body, key_headers());
  REQUIRE(ok->status == 200);
  json j = body_json(ok);
  CHECK(j["type"] == "message");
  CHECK(j["role"] == "assistant");
  CHECK(j["content"][0]["type"] == "text");
  CHECK(j["content"][0]["text"] == "AUTH_TEST_OK");
  CHECK(j["stop_reason"] == "end_turn");
  // The API-key mode does not need the OAuth contract; registered keys can be added.
  e.control("/_emulator/api-keys", {{"provider", "anthropic"}, {"key", "sk-ant-api03-other"}});
  CHECK(e.post_json(kPath, body, {{"x-api-key", "sk-ant-api03-other"}, {"anthropic-version", "2023-06-01"}})->status == 200);
}

TEST_CASE("api key mode: body validation") {
  Emu e;
  json msgs = {{{"role", "user"}, {"content", "hi"}}};
  for (const char* drop : {"model", "max_tokens", "messages"}) {
    json b = plain_body(msgs);
    b.erase(drop);
    check_refused(e.post_json(kPath, b, key_headers()), 400, "invalid_request_error");
  }
  check_refused(e.post_raw(kPath, "{not json", "application/json", key_headers()), 400, "invalid_request_error");
  check_refused(e.post_json(kPath, plain_body(json::array()), key_headers()), 400, "invalid_request_error");
  check_refused(e.post_json(kPath, plain_body({{{"role", "system"}, {"content", "x"}}}), key_headers()), 400,
                "invalid_request_error");
  json b = plain_body(msgs);
  b["model"] = "gpt-4o";
  check_refused(e.post_json(kPath, b, key_headers()), 404, "not_found_error");
}

TEST_CASE("tool_result must answer a tool_use of the previous message, and every tool_use needs a result") {
  Emu e;
  json orphan = plain_body({{{"role", "user"},
                             {"content", {{{"type", "tool_result"}, {"tool_use_id", "toolu_x"}, {"content", "out"}}}}}});
  check_refused(e.post_json(kPath, orphan, key_headers()), 400, "invalid_request_error");
  json unanswered = plain_body(
      {{{"role", "user"}, {"content", "go"}},
       {{"role", "assistant"},
        {"content", {{{"type", "tool_use"}, {"id", "toolu_1"}, {"name", "bash"}, {"input", json::object()}}}}},
       {{"role", "user"}, {"content", "never mind"}}});
  check_refused(e.post_json(kPath, unanswered, key_headers()), 400, "invalid_request_error");
}

TEST_CASE("OAuth contract: a fully compliant request succeeds") {
  Emu e;
  json t = claude_login(e);
  auto r = e.post_json(kOAuthPath, claude_oauth_body(kSmokePrompt), claude_oauth_headers(t["access_token"]));
  REQUIRE(r);
  CHECK_MESSAGE(r->status == 200, r->body);
  CHECK(body_json(r)["content"][0]["text"] == "AUTH_TEST_OK");
}

TEST_CASE("OAuth contract: each violation is refused like the real API") {
  Emu e;
  const std::string tok = claude_login(e)["access_token"];
  auto headers_without = [&](const std::string& name) {
    httplib::Headers h;
    for (const auto& [k, v] : claude_oauth_headers(tok))
      if (k != name) h.emplace(k, v);
    return h;
  };
  auto with_header = [&](const std::string& name, const std::string& value) {
    httplib::Headers h = headers_without(name);
    h.emplace(name, value);
    return h;
  };
  const json body = claude_oauth_body(kSmokePrompt);
  SUBCASE("?beta=true missing") {
    check_refused(e.post_json(kPath, body, claude_oauth_headers(tok)), 400, "invalid_request_error");
  }
  SUBCASE("User-Agent not claude-cli/1.0.0") {
    check_refused(e.post_json(kOAuthPath, body, with_header("User-Agent", "jcode/1.0")), 400, "invalid_request_error");
  }
  SUBCASE("anthropic-beta without oauth-2025-04-20") {
    check_refused(e.post_json(kOAuthPath, body, with_header("anthropic-beta", "claude-code-20250219")), 401,
                  "authentication_error");
  }
  SUBCASE("anthropic-beta without claude-code-20250219") {
    check_refused(e.post_json(kOAuthPath, body, with_header("anthropic-beta", "oauth-2025-04-20")), 400,
                  "invalid_request_error");
  }
  SUBCASE("anthropic-beta missing") {
    check_refused(e.post_json(kOAuthPath, body, headers_without("anthropic-beta")), 401, "authentication_error");
  }
  SUBCASE("anthropic-version missing") {
    check_refused(e.post_json(kOAuthPath, body, headers_without("anthropic-version")), 400, "invalid_request_error");
  }
  SUBCASE("no system prompt") {
    json b = body;
    b.erase("system");
    check_refused(e.post_json(kOAuthPath, b, claude_oauth_headers(tok)), 400, "invalid_request_error");
  }
  SUBCASE("identity line not the first block") {
    json b = body;
    b["system"] = json::array({{{"type", "text"}, {"text", "You are jcode."}}, {{"type", "text"}, {"text", kIdentity}}});
    check_refused(e.post_json(kOAuthPath, b, claude_oauth_headers(tok)), 400, "invalid_request_error");
  }
  SUBCASE("identity line altered") {
    json b = body;
    b["system"][0]["text"] = std::string(kIdentity) + " Extra.";
    check_refused(e.post_json(kOAuthPath, b, claude_oauth_headers(tok)), 400, "invalid_request_error");
  }
  SUBCASE("tool name outside the allow-list") {
    for (const char* name : {"bash", "Bash", "read", "mcp__github__search", "web_fetch"}) {
      json b = body;
      b["tools"].push_back({{"name", name}, {"input_schema", {{"type", "object"}}}});
      check_refused(e.post_json(kOAuthPath, b, claude_oauth_headers(tok)), 400, "invalid_request_error");
    }
  }
  SUBCASE("every allow-listed tool name is accepted") {
    json b = body;
    b["tools"] = json::array();
    for (const char* name : {"shell_exec", "file_read", "file_write", "file_edit", "file_glob", "file_grep",
                             "task_runner", "todo_read", "todo_write"})
      b["tools"].push_back({{"name", name}, {"input_schema", {{"type", "object"}}}});
    auto r = e.post_json(kOAuthPath, b, claude_oauth_headers(tok));
    CHECK_MESSAGE(r->status == 200, r->body);
  }
}

TEST_CASE("OAuth tokens: expired, revoked and unknown tokens get 401") {
  Emu e;
  json t = claude_login(e);
  const json body = claude_oauth_body(kSmokePrompt);
  check_refused(e.post_json(kOAuthPath, body, claude_oauth_headers("sk-ant-oat01-unknown")), 401, "authentication_error");
  e.control("/_emulator/config", {{"access_token_ttl_s", 60}});
  json t2 = claude_login(e);
  e.control("/_emulator/advance-time", {{"seconds", 61}});
  check_refused(e.post_json(kOAuthPath, body, claude_oauth_headers(t2["access_token"])), 401, "authentication_error");
  e.control("/_emulator/revoke-grant", {{"access_token", t["access_token"]}});
  auto r = e.post_json(kOAuthPath, body, claude_oauth_headers(t["access_token"]));
  check_refused(r, 401, "authentication_error");
  CHECK(body_json(r)["error"]["message"].get<std::string>().find("revoked") != std::string::npos);
}

TEST_CASE("scripted model: tool smoke over OAuth, streamed, with the shell_exec wire name") {
  Emu e;
  json t = claude_login(e);
  json body = claude_oauth_body(kToolPrompt, true);
  auto r = e.post_json(kOAuthPath, body, claude_oauth_headers(t["access_token"]));
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type").find("text/event-stream") == 0);
  auto events = jemu::sse_parse(r->body);
  std::string partial, tool_id, tool_name, stop_reason;
  for (const auto& ev : events) {
    json d = json::parse(ev.data);
    CHECK(d["type"] == ev.event);
    if (ev.event == "content_block_start" && d["content_block"]["type"] == "tool_use") {
      tool_id = d["content_block"]["id"];
      tool_name = d["content_block"]["name"];
    }
    if (ev.event == "content_block_delta" && d["delta"]["type"] == "input_json_delta") partial += d["delta"]["partial_json"];
    if (ev.event == "message_delta") stop_reason = d["delta"]["stop_reason"];
  }
  CHECK(tool_name == "shell_exec");
  CHECK(stop_reason == "tool_use");
  CHECK(json::parse(partial) == json{{"command", "echo JCODE_TOOL_OK"}});
  // Second turn: tool result -> the requested final text.
  body["messages"].push_back(
      {{"role", "assistant"},
       {"content", {{{"type", "tool_use"}, {"id", tool_id}, {"name", tool_name}, {"input", json::parse(partial)}}}}});
  body["messages"].push_back(
      {{"role", "user"},
       {"content", {{{"type", "tool_result"}, {"tool_use_id", tool_id}, {"content", "JCODE_TOOL_OK\n"}}}}});
  body["stream"] = false;
  auto r2 = e.post_json(kOAuthPath, body, claude_oauth_headers(t["access_token"]));
  REQUIRE_MESSAGE(r2->status == 200, r2->body);
  json j = body_json(r2);
  CHECK(j["content"][0]["text"] == "AUTH_TEST_OK");
  CHECK(j["stop_reason"] == "end_turn");
}

TEST_CASE("scripted model: API-key mode uses the bash wire name; chunk size is configurable") {
  Emu e;
  e.control("/_emulator/config", {{"chunk_size", 3}});
  json body = plain_body({{{"role", "user"}, {"content", "Please reply with exactly `HELLO_WORLD_123` now."}}}, true);
  auto r = e.post_json(kPath, body, key_headers());
  REQUIRE(r->status == 200);
  std::string text;
  int deltas = 0;
  for (const auto& ev : jemu::sse_parse(r->body)) {
    if (ev.event != "content_block_delta") continue;
    json d = json::parse(ev.data);
    text += d["delta"]["text"].get<std::string>();
    CHECK(d["delta"]["text"].get<std::string>().size() <= 3);
    ++deltas;
  }
  CHECK(text == "HELLO_WORLD_123");
  CHECK(deltas == 5);
  json tb = plain_body({{{"role", "user"}, {"content", kToolPrompt}}});
  tb["tools"] = json::array({{{"name", "bash"}, {"input_schema", {{"type", "object"}}}}});
  json j = body_json(e.post_json(kPath, tb, key_headers()));
  CHECK(j["content"][0]["type"] == "tool_use");
  CHECK(j["content"][0]["name"] == "bash");
  CHECK(j["content"][0]["input"]["command"] == "echo JCODE_TOOL_OK");
  // No bash tool declared: text only.
  tb.erase("tools");
  j = body_json(e.post_json(kPath, tb, key_headers()));
  CHECK(j["content"][0]["type"] == "text");
}

TEST_CASE("OAuth profile endpoint returns the account email") {
  Emu e;
  json t = claude_login(e);
  auto r = e.get("/api.anthropic.com/api/oauth/profile", {{"Authorization", "Bearer " + t["access_token"].get<std::string>()}});
  REQUIRE(r->status == 200);
  CHECK(body_json(r)["account"]["email"] == "user@example.com");
  CHECK(e.get("/api.anthropic.com/api/oauth/profile", {{"Authorization", "Bearer nope"}})->status == 401);
}
