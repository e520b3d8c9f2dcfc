// The Gemini wire format: the recorded real stream renders, function calls both ways, the
// Code Assist wrapper, errors inside the stream.
#include <jcode/support/gemini.hpp>

#include "sse_replay.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using jcode::support::gemini::build_request;
using jcode::support::gemini::code_assist_body;
using jcode::support::gemini::StreamDecoder;
using nlohmann::json;
using support_test::Captured;

TEST_CASE("the recorded real Gemini stream renders its text, model, usage and stop") {
  Captured c;
  StreamDecoder d([&c](const jcode_event& e) { return c.on(e); });
  support_test::replay(support_test::kFixtures + "test_google_test_google_model_stream.0.sse", d);
  CHECK(d.end_of_stream() == JCODE_OK);
  CHECK(d.finished());
  CHECK_FALSE(d.saw_error());
  CHECK(c.text == "The capital of France is Paris.\n");
  CHECK(c.model == "gemini-2.0-flash-exp");
  CHECK(c.stop == "end_turn");
  CHECK(c.stop_events == 1);
  CHECK(c.input_tokens == 15);  // the largest prompt count seen
  CHECK(c.output_tokens == 8);
}

TEST_CASE("a functionCall part becomes one complete tool call and the stop says tool_use") {
  Captured c;
  StreamDecoder d([&c](const jcode_event& e) { return c.on(e); });
  json ev = {{"response",
              {{"candidates",
                {{{"content", {{"role", "model"}, {"parts", {{{"functionCall", {{"name", "bash"}, {"args", {{"command", "echo hi"}}}}}}}}}},
                  {"finishReason", "STOP"}}}},
               {"modelVersion", "gemini-2.5-pro"},
               {"responseId", "r1"}}},
             {"traceId", "t"}};
  REQUIRE(d.feed("", ev.dump()) == JCODE_OK);
  CHECK(d.finished());
  REQUIRE(c.tool_names.size() == 1);
  CHECK(c.tool_names[0] == "bash");
  CHECK(json::parse(c.tool_inputs[0]) == json{{"command", "echo hi"}});
  CHECK_FALSE(c.tool_ids[0].empty());
  CHECK(c.stop == "tool_use");
  CHECK(c.model == "gemini-2.5-pro");
}

TEST_CASE("a thought signature on a functionCall is reported and sent back with that call") {
  Captured c;
  std::string got_id, got_sig;
  StreamDecoder d([&c](const jcode_event& e) { return c.on(e); },
                  [&](const std::string& id, const std::string& sig) { got_id = id, got_sig = sig; });
  REQUIRE(d.feed("", R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"bash","args":{},"id":"c9"},"thoughtSignature":"SIG"}]},"finishReason":"STOP"}]})") == JCODE_OK);
  CHECK(got_id == "c9");
  CHECK(got_sig == "SIG");
  json conv = {{"messages", {{{"role", "user"}, {"content", "x"}},
                             {{"role", "assistant"}, {"content", {{{"type", "tool_use"}, {"id", "c9"}, {"name", "bash"}, {"input", json::object()}}}}},
                             {{"role", "user"}, {"content", {{{"type", "tool_result"}, {"tool_use_id", "c9"}, {"content", "ok"}}}}}}}};
  auto b = build_request(conv.dump(), [](const std::string& id) { return id == "c9" ? std::string("SIG") : std::string(); });
  REQUIRE(b.error.empty());
  CHECK(b.request["contents"][1]["parts"][0]["thoughtSignature"] == "SIG");
}

TEST_CASE("thought parts are thinking, an error event is an error, a cut stream is unfinished") {
  Captured c;
  StreamDecoder d([&c](const jcode_event& e) { return c.on(e); });
  REQUIRE(d.feed("", R"({"candidates":[{"content":{"parts":[{"text":"hmm","thought":true},{"text":"A"}]}}]})") == JCODE_OK);
  CHECK(c.thinking == "hmm");
  CHECK(c.text == "A");
  CHECK_FALSE(d.finished());
  StreamDecoder e([&c](const jcode_event& ev) { return c.on(ev); });
  REQUIRE(e.feed("", R"({"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}})") == JCODE_OK);
  CHECK(e.saw_error());
  CHECK(e.error_code() == "RESOURCE_EXHAUSTED");
  CHECK(e.error_message() == "Quota exceeded");
  StreamDecoder f([&c](const jcode_event& ev) { return c.on(ev); });
  CHECK(f.feed("", "not json") == JCODE_E_PROTOCOL);
}

TEST_CASE("a conversation with a tool round trip becomes contents with functionCall and functionResponse") {
  json conv = {{"system", "be brief"},
               {"max_tokens", 100},
               {"tools", {{{"name", "bash"}, {"description", "run"},
                           {"input_schema", {{"$schema", "x"}, {"type", "object"}, {"additionalProperties", false},
                                             {"properties", {{"command", {{"type", "string"}}}}}}}}}},
               {"messages",
                {{{"role", "user"}, {"content", "run it"}},
                 {{"role", "assistant"},
                  {"content", {{{"type", "text"}, {"text", "ok"}},
                               {{"type", "tool_use"}, {"id", "c1"}, {"name", "bash"}, {"input", {{"command", "ls"}}}}}}},
                 {{"role", "user"},
                  {"content", {{{"type", "tool_result"}, {"tool_use_id", "c1"}, {"content", "a.txt"}}}}}}}};
  auto b = build_request(conv.dump());
  REQUIRE(b.error.empty());
  const json& r = b.request;
  CHECK(r["systemInstruction"]["parts"][0]["text"] == "be brief");
  CHECK(r["generationConfig"]["maxOutputTokens"] == 100);
  REQUIRE(r["contents"].size() == 3);
  CHECK(r["contents"][1]["role"] == "model");
  CHECK(r["contents"][1]["parts"][1]["functionCall"]["name"] == "bash");
  CHECK(r["contents"][1]["parts"][1]["functionCall"]["args"]["command"] == "ls");
  CHECK(r["contents"][2]["parts"][0]["functionResponse"]["name"] == "bash");
  CHECK(r["contents"][2]["parts"][0]["functionResponse"]["response"]["output"] == "a.txt");
  const json& params = r["tools"][0]["functionDeclarations"][0]["parameters"];
  CHECK_FALSE(params.contains("$schema"));
  CHECK_FALSE(params.contains("additionalProperties"));
  CHECK(r["toolConfig"]["functionCallingConfig"]["mode"] == "AUTO");
  json wrapped = code_assist_body(r, "gemini-2.5-pro", "proj-1", "p-id", "s-id");
  CHECK(wrapped["model"] == "gemini-2.5-pro");
  CHECK(wrapped["project"] == "proj-1");
  CHECK(wrapped["user_prompt_id"] == "p-id");
  CHECK(wrapped["request"]["session_id"] == "s-id");
  CHECK(wrapped["request"]["contents"] == r["contents"]);
}

TEST_CASE("a tool_result without its call is refused with a reason") {
  json conv = {{"messages", {{{"role", "user"}, {"content", {{{"type", "tool_result"}, {"tool_use_id", "zz"}, {"content", "x"}}}}}}}};
  auto b = build_request(conv.dump());
  CHECK(b.error.find("zz") != std::string::npos);
}
