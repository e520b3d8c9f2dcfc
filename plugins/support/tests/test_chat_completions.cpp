#include <jcode/support/chat_completions.hpp>

#include "sse_replay.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using jcode::support::chat_completions::BuildOptions;
using jcode::support::chat_completions::build_request;
using jcode::support::chat_completions::StreamDecoder;
using nlohmann::json;
using support_test::Captured;
using support_test::kFixtures;
using support_test::replay;

namespace {

StreamDecoder make(Captured& c, std::map<std::string, std::string> names = {}) {
  return StreamDecoder([&c](const jcode_event& e) { return c.on(e); }, std::move(names));
}

}  // namespace

TEST_CASE("recorded Chat Completions stream: a streamed tool call") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "test_openai_test_run_stream_sync_streams_real_model.0.sse", dec);
  CHECK(dec.finished());
  CHECK(c.text.empty());
  REQUIRE(c.tool_names.size() == 1);
  CHECK(c.tool_names[0] == "get_capital");
  CHECK(c.tool_ids[0] == "call_ZR5UUuTt3pf61kjwAJIYdVMj");
  CHECK(c.tool_inputs[0] == R"({"country":"UK"})");
  CHECK(c.deltas_joined.at(0) == R"({"country":"UK"})");
  CHECK(c.stop == "tool_use");
  CHECK(c.input_tokens == 53);
  CHECK(c.output_tokens == 15);
  CHECK(c.model == "gpt-4o-mini-2024-07-18");
  CHECK(c.order.back() == JCODE_EVENT_STOP);
}

TEST_CASE("recorded Chat Completions stream: the answer after the tool result") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "test_openai_test_run_stream_sync_streams_real_model.1.sse", dec);
  CHECK(dec.finished());
  CHECK(c.text == "The capital of the UK is London.");
  CHECK(c.stop == "end_turn");
  CHECK(c.input_tokens == 78);
  CHECK(c.output_tokens == 9);
  CHECK(c.stop_events == 1);
  CHECK(c.usage_events == 1);
}

TEST_CASE("recorded long Chat Completions text stream (300 chunks)") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "vercel-openai-text.sse", dec);
  CHECK(dec.finished());
  CHECK(c.text.rfind("**Holiday Name", 0) == 0);
  CHECK(c.text.substr(c.text.size() - 8) == "respect.");
  CHECK(c.output_tokens == 300);
  CHECK(c.input_tokens == 16);
  CHECK(c.stop == "end_turn");
  CHECK(c.model == "gpt-4.1-nano-2025-04-14");
}

TEST_CASE("chat decoder: errors, missing [DONE], length, reasoning, renamed tools") {
  SUBCASE("an error object in the stream") {
    Captured c;
    auto dec = make(c);
    REQUIRE(dec.feed("", R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})") == JCODE_OK);
    REQUIRE(dec.feed("", R"({"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}})") == JCODE_OK);
    CHECK(dec.saw_error());
    REQUIRE(c.errors.size() == 1);
    CHECK(c.errors[0] == "The server had an error");
    CHECK(c.error_names[0] == "server_error");
    CHECK(dec.end_of_stream() == JCODE_OK);
    CHECK(c.stop_events == 0);
  }
  SUBCASE("a stream without [DONE] still ends after its finish_reason; a truncated one does not") {
    Captured c;
    auto dec = make(c);
    REQUIRE(dec.feed("", R"({"choices":[{"index":0,"delta":{"content":"cut"},"finish_reason":"length"}]})") == JCODE_OK);
    CHECK_FALSE(dec.finished());
    REQUIRE(dec.end_of_stream() == JCODE_OK);
    CHECK(dec.finished());
    CHECK(c.stop == "max_tokens");
    Captured d;
    auto dec2 = make(d);
    REQUIRE(dec2.feed("", R"({"choices":[{"index":0,"delta":{"content":"half"}}]})") == JCODE_OK);
    REQUIRE(dec2.end_of_stream() == JCODE_OK);
    CHECK_FALSE(dec2.finished());
  }
  SUBCASE("reasoning_content is thinking; wire tool names map back; not JSON is a protocol error") {
    Captured c;
    auto dec = make(c, {{"shell_exec", "bash"}});
    REQUIRE(dec.feed("", R"({"choices":[{"index":0,"delta":{"reasoning_content":"hmm"}}]})") == JCODE_OK);
    REQUIRE(dec.feed("", R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"shell_exec","arguments":"{}"}}]}}]})") == JCODE_OK);
    REQUIRE(dec.feed("", R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})") == JCODE_OK);
    REQUIRE(dec.feed("", "[DONE]") == JCODE_OK);
    CHECK(c.thinking == "hmm");
    REQUIRE(c.tool_names.size() == 1);
    CHECK(c.tool_names[0] == "bash");
    CHECK(c.tool_inputs[0] == "{}");
    CHECK(dec.feed("", "{oops") == JCODE_E_PROTOCOL);
  }
}

TEST_CASE("chat request: a tool round trip matches what the recorded client sent") {
  std::ifstream in(kFixtures + "test_openai_test_run_stream_sync_streams_real_model.1.meta.json");
  REQUIRE(in.good());
  json recorded = json::parse(in)["request_body"];
  json conv = json::parse(R"({"messages":[
    {"role":"user","content":"What is the capital of the UK? Use the tool, then answer."},
    {"role":"assistant","content":[{"type":"tool_use","id":"call_ZR5UUuTt3pf61kjwAJIYdVMj","name":"get_capital","input":{"country":"UK"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_ZR5UUuTt3pf61kjwAJIYdVMj","content":"London"}]}],
    "tools":[{"name":"get_capital","description":"","input_schema":{"additionalProperties":false,
      "properties":{"country":{"type":"string"}},"required":["country"],"type":"object"}}]})");
  BuildOptions o;
  o.model = "gpt-4o-mini";
  auto built = build_request(conv.dump(), o);
  REQUIRE(built.error.empty());
  json body = json::parse(built.body);
  CHECK(body["messages"] == recorded["messages"]);
  json tools = recorded["tools"];
  for (auto& t : tools) t["function"].erase("strict");
  CHECK(body["tools"] == tools);
  CHECK(body["tool_choice"] == recorded["tool_choice"]);
  CHECK(body["stream_options"] == recorded["stream_options"]);
  CHECK(body["stream"] == true);
  CHECK(body["model"] == "gpt-4o-mini");
}

TEST_CASE("chat request: system message, max tokens field, error tool results, mixed turn order") {
  json conv = json::parse(R"({"system":"sys","max_tokens":50,"messages":[
    {"role":"user","content":"hi"},
    {"role":"assistant","content":[{"type":"text","text":"let me look"},{"type":"tool_use","id":"a","name":"read","input":{"path":"x"}},{"type":"tool_use","id":"b","name":"read","input":{"path":"y"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":"A"},{"type":"tool_result","tool_use_id":"b","content":"denied","is_error":true},{"type":"text","text":"thanks"}]}]})");
  BuildOptions o;
  o.model = "my-deployment";
  o.max_tokens_field = "max_completion_tokens";
  auto built = build_request(conv.dump(), o);
  REQUIRE(built.error.empty());
  json m = json::parse(built.body)["messages"];
  REQUIRE(m.size() == 6);
  CHECK(m[0] == json::parse(R"({"role":"system","content":"sys"})"));
  CHECK(m[2]["content"] == "let me look");
  CHECK(m[2]["tool_calls"].size() == 2);
  CHECK(m[2]["tool_calls"][1]["function"]["arguments"] == R"({"path":"y"})");
  CHECK(m[3] == json::parse(R"({"role":"tool","tool_call_id":"a","content":"A"})"));
  CHECK(m[4]["content"] == "Error: denied");
  CHECK(m[5] == json::parse(R"({"role":"user","content":"thanks"})"));
  CHECK(json::parse(built.body)["max_completion_tokens"] == 50);
  CHECK(build_request(R"({"messages":[{"role":"user","content":[{"type":"tool_use","id":"x","name":"y"}]}]})", o)
            .error.find("user message") != std::string::npos);
}
