// OpenAI Responses API (API key) and the ChatGPT Codex backend (OAuth + account header).
#include "helpers.hpp"
#include "sse.hpp"

using namespace emutest;

namespace {

const char* kApi = "/api.openai.com/v1/responses";
const char* kChatGPT = "/chatgpt.com/backend-api/codex/responses";

json responses_body(const json& input, bool stream = true) {
  return {{"model", "gpt-5"},
          {"instructions", "You are jcode."},
          {"input", input},
          {"tools", json::array({{{"type", "function"}, {"name", "bash"}, {"parameters", {{"type", "object"}}}}})},
          {"tool_choice", "auto"},
          {"parallel_tool_calls", false},
          {"stream", stream},
          {"store", false},
          {"include", json::array({"reasoning.encrypted_content"})}};
}

json user_msg(const std::string& text) {
  return {{"type", "message"}, {"role", "user"}, {"content", json::array({{{"type", "input_text"}, {"text", text}}})}};
}

httplib::Headers chatgpt_headers(const json& tokens, const std::string& account) {
  return {{"Authorization", "Bearer " + tokens["access_token"].get<std::string>()},
          {"originator", "codex_cli_rs"},
          {"chatgpt-account-id", account}};
}

std::string account_of(const json& tokens) {
  return (*jemu::jwt_payload(tokens["id_token"].get<std::string>()))["https://api.openai.com/auth"]["chatgpt_account_id"];
}

}  // namespace

TEST_CASE("Responses API: API key required") {
  Emu e;
  json b = responses_body(json::array({user_msg(kSmokePrompt)}));
  auto none = e.post_json(kApi, b);
  CHECK(none->status == 401);
  CHECK(body_json(none)["error"]["type"] == "invalid_request_error");
  auto wrong = e.post_json(kApi, b, {{"Authorization", "Bearer sk-wrong-key-123456"}});
  CHECK(wrong->status == 401);
  CHECK(body_json(wrong)["error"]["code"] == "invalid_api_key");
  auto ok = e.post_json(kApi, b, {{"Authorization", "Bearer sk-emulator-openai-key"}});
  CHECK(ok->status == 200);
}

TEST_CASE("Responses API: text answer streamed; function call loop") {
  Emu e;
  httplib::Headers h{{"Authorization", "Bearer sk-emulator-openai-key"}};
  auto r = e.post_json(kApi, responses_body(json::array({user_msg(kSmokePrompt)})), h);
  REQUIRE(r->status == 200);
  std::string text;
  std::string last;
  for (const auto& ev : jemu::sse_parse(r->body)) {
    json d = json::parse(ev.data);
    CHECK(d["type"] == ev.event);
    if (ev.event == "response.output_text.delta") text += d["delta"];
    last = ev.event;
  }
  CHECK(text == "AUTH_TEST_OK");
  CHECK(last == "response.completed");

  json input = json::array({user_msg(kToolPrompt)});
  auto r1 = e.post_json(kApi, responses_body(input, false), h);
  REQUIRE(r1->status == 200);
  json out = body_json(r1)["output"][0];
  CHECK(out["type"] == "function_call");
  CHECK(out["name"] == "bash");
  CHECK(json::parse(out["arguments"].get<std::string>())["command"] == "echo JCODE_TOOL_OK");
  input.push_back({{"type", "function_call"}, {"call_id", out["call_id"]}, {"name", "bash"}, {"arguments", out["arguments"]}});
  input.push_back({{"type", "function_call_output"}, {"call_id", out["call_id"]}, {"output", "JCODE_TOOL_OK"}});
  auto r2 = e.post_json(kApi, responses_body(input, false), h);
  REQUIRE_MESSAGE(r2->status == 200, r2->body);
  CHECK(body_json(r2)["output"][0]["content"][0]["text"] == "AUTH_TEST_OK");
}

TEST_CASE("Responses API: function_call_output without its function_call is refused") {
  Emu e;
  json input = json::array({user_msg("x"), {{"type", "function_call_output"}, {"call_id", "call_nope"}, {"output", "o"}}});
  auto r = e.post_json(kApi, responses_body(input), {{"Authorization", "Bearer sk-emulator-openai-key"}});
  CHECK(r->status == 400);
  CHECK(body_json(r)["error"]["message"].get<std::string>().find("call_nope") != std::string::npos);
  json nomodel = responses_body(json::array({user_msg("x")}));
  nomodel.erase("model");
  CHECK(e.post_json(kApi, nomodel, {{"Authorization", "Bearer sk-emulator-openai-key"}})->status == 400);
}

TEST_CASE("ChatGPT backend: compliant request streams the answer") {
  Emu e;
  json t = openai_login(e);
  auto r = e.post_json(kChatGPT, responses_body(json::array({user_msg(kSmokePrompt)})), chatgpt_headers(t, account_of(t)));
  REQUIRE_MESSAGE(r->status == 200, r->body);
  CHECK(r->body.find("AUTH_TEST_OK") != std::string::npos);
}

TEST_CASE("ChatGPT backend: each violation is refused") {
  Emu e;
  json t = openai_login(e);
  const std::string account = account_of(t);
  const json body = responses_body(json::array({user_msg(kSmokePrompt)}));
  SUBCASE("originator missing or wrong") {
    httplib::Headers h{{"Authorization", "Bearer " + t["access_token"].get<std::string>()}, {"chatgpt-account-id", account}};
    CHECK(e.post_json(kChatGPT, body, h)->status == 403);
    h.emplace("originator", "codex_exec");
    CHECK(e.post_json(kChatGPT, body, h)->status == 403);
  }
  SUBCASE("chatgpt-account-id missing or not the token's") {
    httplib::Headers h{{"Authorization", "Bearer " + t["access_token"].get<std::string>()}, {"originator", "codex_cli_rs"}};
    CHECK(e.post_json(kChatGPT, body, h)->status == 403);
    CHECK(e.post_json(kChatGPT, body, chatgpt_headers(t, "acct-other"))->status == 403);
  }
  SUBCASE("API key instead of an OAuth token") {
    httplib::Headers h{{"Authorization", "Bearer sk-emulator-openai-key"}, {"originator", "codex_cli_rs"},
                       {"chatgpt-account-id", account}};
    CHECK(e.post_json(kChatGPT, body, h)->status == 401);
  }
  SUBCASE("expired token") {
    e.control("/_emulator/expire-access-tokens", {{"provider", "openai"}});
    auto r = e.post_json(kChatGPT, body, chatgpt_headers(t, account));
    CHECK(r->status == 401);
    CHECK(body_json(r)["error"]["code"] == "token_expired");
  }
  SUBCASE("stream must be true, store must be false") {
    json b = body;
    b["stream"] = false;
    CHECK(e.post_json(kChatGPT, b, chatgpt_headers(t, account))->status == 400);
    b = body;
    b["store"] = true;
    CHECK(e.post_json(kChatGPT, b, chatgpt_headers(t, account))->status == 400);
    b.erase("store");
    CHECK(e.post_json(kChatGPT, b, chatgpt_headers(t, account))->status == 400);
  }
}
