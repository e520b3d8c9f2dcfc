#include "stream_decoder.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Captured {
  std::string text, thinking, model, stop;
  std::vector<std::string> tool_names, tool_ids, tool_inputs, errors;
  int64_t input_tokens = 0, output_tokens = 0;
};

// Minimal SSE framing for recorded files: "event:" / "data:" lines, blank-line dispatch.
void replay(const std::string& path, jcode::claude::StreamDecoder& dec) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  std::string line, event, data;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!data.empty()) REQUIRE(dec.feed(event, data) == JCODE_OK);
      event.clear();
      data.clear();
    } else if (line.rfind("event:", 0) == 0) {
      event = line.substr(line.size() > 6 && line[6] == ' ' ? 7 : 6);
    } else if (line.rfind("data:", 0) == 0) {
      if (!data.empty()) data += '\n';
      data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
    }
  }
  if (!data.empty()) REQUIRE(dec.feed(event, data) == JCODE_OK);
}

jcode::claude::StreamDecoder make(Captured& c, std::map<std::string, std::string> names = {}) {
  return jcode::claude::StreamDecoder(std::move(names), [&c](const jcode_event& e) {
    std::string text(e.text.ptr ? e.text.ptr : "", e.text.len);
    switch (e.type) {
      case JCODE_EVENT_TEXT: c.text += text; break;
      case JCODE_EVENT_THINKING: c.thinking += text; break;
      case JCODE_EVENT_MODEL: c.model = text; break;
      case JCODE_EVENT_STOP: c.stop = text; break;
      case JCODE_EVENT_ERROR: c.errors.push_back(text); break;
      case JCODE_EVENT_USAGE: c.input_tokens = e.input_tokens; c.output_tokens = e.output_tokens; break;
      case JCODE_EVENT_TOOL_CALL_END:
        c.tool_names.emplace_back(e.name.ptr, e.name.len);
        c.tool_ids.emplace_back(e.id.ptr, e.id.len);
        c.tool_inputs.emplace_back(e.json.ptr, e.json.len);
        break;
      default: break;
    }
    return JCODE_OK;
  });
}

const std::string kFixtures = std::string(JCODE_SHARED_DIR) + "/fixtures/real-streams/";

}  // namespace

TEST_CASE("recorded Anthropic text + tool_use stream renders text and one tool call") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "anthropic-sdk-python/tool_use_response.txt", dec);
  CHECK(dec.finished());
  CHECK(c.text == "I'll check the current weather in Paris for you.");
  REQUIRE(c.tool_names.size() == 1);
  CHECK(c.tool_names[0] == "get_weather");
  CHECK(c.tool_ids[0] == "toolu_01NRLabsLyVHZPKxbKvkfSMn");
  CHECK(c.tool_inputs[0] == "{\"location\": \"Paris\"}");
  CHECK(c.stop == "tool_use");
  CHECK(c.model == "claude-sonnet-4-20250514");
  CHECK(c.input_tokens == 377);
}

TEST_CASE("recorded thinking stream separates thinking from text, padded JSON accepted") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "derived-sse/test_anthropic_test_anthropic_model_thinking_part_stream.0.sse", dec);
  CHECK(dec.finished());
  CHECK(c.thinking.rfind("This is a straightforward question about pedestrian safety", 0) == 0);
  CHECK_FALSE(c.text.empty());
  CHECK(c.text.find("This is a straightforward") == std::string::npos);
  CHECK(c.tool_names.empty());
  CHECK(c.stop == "end_turn");
}

TEST_CASE("server tools (web search) are not reported as client tool calls") {
  Captured c;
  auto dec = make(c);
  replay(kFixtures + "derived-sse/test_anthropic_test_anthropic_web_search_tool_stream.0.sse", dec);
  CHECK(dec.finished());
  CHECK(c.tool_names.empty());
  CHECK_FALSE(c.text.empty());
}

TEST_CASE("wire tool names map back to native names") {
  Captured c;
  auto dec = make(c, {{"shell_exec", "bash"}});
  REQUIRE(dec.feed("content_block_start",
                   R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t1","name":"shell_exec","input":{}}})") == JCODE_OK);
  REQUIRE(dec.feed("content_block_delta",
                   R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"command\":\"echo hi\"}"}})") == JCODE_OK);
  REQUIRE(dec.feed("content_block_stop", R"({"type":"content_block_stop","index":0})") == JCODE_OK);
  REQUIRE(c.tool_names.size() == 1);
  CHECK(c.tool_names[0] == "bash");
  CHECK(c.tool_inputs[0] == R"({"command":"echo hi"})");
}

TEST_CASE("error events surface the API message; malformed data is a protocol error") {
  Captured c;
  auto dec = make(c);
  REQUIRE(dec.feed("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})") == JCODE_OK);
  CHECK(dec.saw_error());
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == "Overloaded");
  CHECK(dec.feed("message_start", "{not json") == JCODE_E_PROTOCOL);
  CHECK_FALSE(dec.error_message().empty());
}
