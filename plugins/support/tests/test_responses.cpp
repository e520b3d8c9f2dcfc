#include <jcode/support/responses.hpp>

#include "sse_replay.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using jcode::support::responses::BuildOptions;
using jcode::support::responses::build_request;
using jcode::support::responses::StreamDecoder;
using nlohmann::json;
using support_test::Captured;
using support_test::kFixtures;
using support_test::replay;

namespace {

StreamDecoder make(Captured& c, std::map<std::string, std::string> names = {}) {
  return StreamDecoder([&c](const jcode_event& e) { return c.on(e); }, std::move(names));
}

json meta(const std::string& name) {
  std::ifstream in(kFixtures + name);
  REQUIRE(in.good());
  return json::parse(in);
}

json without_strict(json tools) {
  for (auto& t : tools) t.erase("strict");
  return tools;
}

const char* kCapitalTool = R"({"name":"get_capital","description":"","input_schema":{"additionalProperties":false,
  "properties":{"country":{"type":"string"}},"required":["country"],"type":"object"}})";

}  // namespace

TEST_CASE("recorded Responses stream: one function call with its arguments, usage and stop") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "test_openai_responses_test_openai_responses_stream.0.sse", dec);
  CHECK(dec.finished());
  CHECK_FALSE(dec.saw_error());
  CHECK(c.text.empty());
  CHECK(c.model == "gpt-4o-2024-08-06");
  REQUIRE(c.tool_names.size() == 1);
  CHECK(c.tool_names[0] == "get_capital");
  CHECK(c.tool_ids[0] == "call_kL0PCQV7M2WMoVX8V8OtYSAL");
  CHECK(c.tool_inputs[0] == R"({"country":"France"})");
  REQUIRE(c.starts.size() == 1);
  CHECK(c.deltas_joined[0] == R"({"country":"France"})");  // the deltas add up to the arguments
  CHECK(c.stop == "tool_use");
  CHECK(c.input_tokens == 255);
  CHECK(c.output_tokens == 16);
  CHECK(c.cached == 0);
  // START before any DELTA before END, and USAGE then STOP last.
  REQUIRE(c.order.size() >= 4);
  CHECK(c.order.back() == JCODE_EVENT_STOP);
  CHECK(c.order[c.order.size() - 2] == JCODE_EVENT_USAGE);
}

TEST_CASE("recorded Responses stream: the second turn renders the text answer") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "test_openai_responses_test_openai_responses_stream.1.sse", dec);
  CHECK(dec.finished());
  CHECK(c.text == "The capital of France is Paris.");
  CHECK(c.tool_names.empty());
  CHECK(c.stop == "end_turn");
  CHECK(c.input_tokens == 278);
  CHECK(c.output_tokens == 9);
  CHECK(c.stop_events == 1);
}

TEST_CASE("recorded gpt-5 stream with a reasoning item and usage details") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "test_openai_responses_test_openai_responses_streaming_usage.0.sse", dec);
  CHECK(dec.finished());
  REQUIRE(c.tool_names.size() == 1);
  CHECK(c.tool_names[0] == "final_result");
  CHECK(c.tool_ids[0] == "call_CWXgs68YprAjp6t0371hiPOI");
  CHECK(c.tool_inputs[0] == R"({"result":6666})");
  CHECK(c.model == "gpt-5-2025-08-07");
  CHECK(c.input_tokens == 53);
  CHECK(c.output_tokens == 469);
  CHECK(c.stop == "tool_use");
}

TEST_CASE("recorded multi-turn codex stream: reasoning summary as thinking, three calls, final text") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "vercel-openai-reasoning-encrypted-content.1.sse", dec);
  CHECK(dec.finished());
  CHECK(c.thinking ==
        "**Calculating step-by-step using calculator**\n\nI'll compute 12 plus 7, then multiply the result by 3, and "
        "finally multiply that by 10, reporting the final product.");
  REQUIRE(c.tool_names.size() == 3);
  CHECK(c.tool_inputs[0] == R"({"a":12,"b":7,"op":"add"})");
  CHECK(c.tool_inputs[1] == R"({"a":19,"b":3,"op":"multiply"})");
  CHECK(c.tool_inputs[2] == R"({"a":57,"b":10,"op":"multiply"})");
  CHECK(c.tool_ids[2] == "call_Zl5vIMnD7dVAjgU6FkhmiCZh");
  CHECK(c.text == "The final result is **570**.");
  CHECK(c.stop_events == 4);
  CHECK(c.stop == "end_turn");  // the last response answered with text
  CHECK(c.model == "gpt-5.1-codex-max");
  CHECK(c.output_tokens == 12);
}

TEST_CASE("recorded phase stream: text the deltas missed is completed from the done events") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "vercel-openai-phase.1.sse", dec);
  CHECK(dec.finished());
  // The recording keeps only the first deltas of each message; the done events hold all of it.
  CHECK(c.text.rfind("Got it \xE2\x80\x94 I\xE2\x80\x99ll quickly check reliable", 0) == 0);
  CHECK(c.text.find("Here are a few **AI") != std::string::npos);
  CHECK(c.text.size() == 1648);
  CHECK(c.text.substr(c.text.size() - 30) == "morning brief with timestamps.");
  CHECK(c.input_tokens == 7112);
  CHECK(c.cached == 3072);
  CHECK(c.stop == "end_turn");
}

TEST_CASE("recorded error stream: one ERROR with the API's code and message, no STOP") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "vercel-openai-error.1.sse", dec);
  CHECK(dec.saw_error());
  CHECK(dec.finished());
  REQUIRE(c.errors.size() == 1);  // response.failed repeats the error: reported once
  CHECK(c.error_names[0] == "insufficient_quota");
  CHECK(c.errors[0].rfind("You exceeded your current quota", 0) == 0);
  CHECK(dec.error_code() == "insufficient_quota");
  CHECK(c.stop_events == 0);
  CHECK(c.text.empty());
}

TEST_CASE("decoder: malformed data, stray deltas, incomplete responses, flat errors, renamed tools") {
  SUBCASE("data that is not a JSON object is a protocol error naming the event") {
    Captured c;
    auto dec = make(c);
    CHECK(dec.feed("response.created", "{not json") == JCODE_E_PROTOCOL);
    CHECK(dec.error_message().find("response.created") != std::string::npos);
  }
  SUBCASE("arguments for an output item that never started") {
    Captured c;
    auto dec = make(c);
    CHECK(dec.feed("", R"({"type":"response.function_call_arguments.delta","output_index":3,"delta":"{"})") ==
          JCODE_E_PROTOCOL);
  }
  SUBCASE("incomplete because of max_output_tokens stops with max_tokens") {
    Captured c;
    auto dec = make(c);
    REQUIRE(dec.feed("", R"({"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,"delta":"Hel"})") == JCODE_OK);
    REQUIRE(dec.feed("", R"({"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":5,"output_tokens":1}}})") == JCODE_OK);
    CHECK(dec.finished());
    CHECK(c.stop == "max_tokens");
    CHECK(c.text == "Hel");
  }
  SUBCASE("the flat error shape and a failure without an error event") {
    Captured c;
    auto dec = make(c);
    REQUIRE(dec.feed("error", R"({"type":"error","code":"rate_limit_exceeded","message":"Slow down","param":null})") == JCODE_OK);
    CHECK(c.error_names.at(0) == "rate_limit_exceeded");
    CHECK(c.errors.at(0) == "Slow down");
    Captured d;
    auto dec2 = make(d);
    REQUIRE(dec2.feed("", R"({"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"boom"}}})") == JCODE_OK);
    CHECK(d.errors.at(0) == "boom");
    CHECK(dec2.saw_error());
  }
  SUBCASE("a call seen only in output_item.done still starts and ends; wire names map back") {
    Captured c;
    auto dec = make(c, {{"shell_exec", "bash"}});
    REQUIRE(dec.feed("", R"({"type":"response.output_item.done","output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_9","name":"shell_exec","arguments":"{\"command\":\"ls\"}"}})") == JCODE_OK);
    REQUIRE(c.starts.size() == 1);
    REQUIRE(c.tool_names.size() == 1);
    CHECK(c.tool_names[0] == "bash");
    CHECK(c.tool_inputs[0] == R"({"command":"ls"})");
    REQUIRE(dec.feed("", R"({"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":1,"output_tokens":2}}})") == JCODE_OK);
    CHECK(c.tool_names.size() == 1);  // not ended twice
    CHECK(c.stop == "tool_use");
  }
  SUBCASE("an emit failure stops decoding with that status") {
    auto dec = StreamDecoder([](const jcode_event&) { return JCODE_E_CANCELLED; });
    CHECK(dec.feed("", R"({"type":"response.output_text.delta","item_id":"m","output_index":0,"delta":"x"})") ==
          JCODE_E_CANCELLED);
  }
}

TEST_CASE("request: a tool round trip matches what the recorded client sent") {
  json recorded = meta("test_openai_responses_test_openai_responses_stream.1.meta.json")["request_body"];
  const std::string call = "fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2";
  json conv = {{"messages",
                json::array({{{"role", "user"}, {"content", "What is the capital of France?"}},
                             {{"role", "assistant"},
                              {"content", json::array({{{"type", "tool_use"}, {"id", call}, {"name", "get_capital"},
                                                        {"input", {{"country", "France"}}}}})}},
                             {{"role", "user"},
                              {"content", json::array({{{"type", "tool_result"}, {"tool_use_id", call},
                                                        {"content", "Paris"}}})}}})},
               {"tools", json::array({json::parse(kCapitalTool)})}};
  BuildOptions o;
  o.model = "gpt-4o";
  auto built = build_request(conv.dump(), o);
  REQUIRE(built.error.empty());
  json body = json::parse(built.body);
  CHECK(body["input"] == recorded["input"]);
  CHECK(without_strict(body["tools"]) == without_strict(recorded["tools"]));
  CHECK(body["tool_choice"] == "auto");
  CHECK(body["model"] == "gpt-4o");
  CHECK(body["stream"] == true);
  CHECK(body["instructions"] == "");
  CHECK_FALSE(body.contains("store"));
}

TEST_CASE("request: ChatGPT-backend options, system text, errors, mixed blocks") {
  json conv = json::parse(R"({"system":"Be brief.","max_tokens":100,"messages":[
    {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
    {"role":"assistant","content":[{"type":"text","text":"calling"},{"type":"tool_use","id":"c1","name":"bash","input":{"command":"echo hi"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"c1","content":[{"type":"text","text":"no such file"}],"is_error":true},{"type":"text","text":"go on"}]}]})");
  BuildOptions o;
  o.model = "gpt-5";
  o.store = false;
  o.send_max_output_tokens = false;
  o.parallel_tool_calls = false;
  o.include = {"reasoning.encrypted_content"};
  o.tool_names = {{"bash", "shell"}};
  auto built = build_request(conv.dump(), o);
  REQUIRE(built.error.empty());
  json b = json::parse(built.body);
  CHECK(b["instructions"] == "Be brief.");
  CHECK(b["store"] == false);
  CHECK(b["parallel_tool_calls"] == false);
  CHECK(b["include"] == json::array({"reasoning.encrypted_content"}));
  CHECK_FALSE(b.contains("max_output_tokens"));
  json in = b["input"];
  REQUIRE(in.size() == 5);
  CHECK(in[0]["content"] == json::parse(R"([{"type":"input_text","text":"a"},{"type":"input_text","text":"b"}])"));
  CHECK(in[1] == json::parse(R"({"role":"assistant","content":"calling"})"));
  CHECK(in[2] == json::parse(R"({"type":"function_call","call_id":"c1","name":"shell","arguments":"{\"command\":\"echo hi\"}"})"));
  CHECK(in[3] == json::parse(R"({"type":"function_call_output","call_id":"c1","output":"Error: no such file"})"));
  CHECK(in[4] == json::parse(R"({"role":"user","content":"go on"})"));

  o.send_max_output_tokens = true;
  CHECK(json::parse(build_request(conv.dump(), o).body)["max_output_tokens"] == 100);

  CHECK(build_request("[]", o).error == "the conversation is not a JSON object");
  CHECK(build_request(R"({"messages":[]})", o).error == "the conversation has no messages");
  CHECK(build_request(R"({"messages":[{"role":"tool","content":"x"}]})", o).error.find("role 'tool'") != std::string::npos);
  CHECK(build_request(R"({"messages":[{"role":"user","content":[{"type":"image"}]}]})", o).error.find("'image'") !=
        std::string::npos);
  BuildOptions none;
  CHECK(build_request(R"({"messages":[{"role":"user","content":"x"}]})", none).error == "no model was given");
}
