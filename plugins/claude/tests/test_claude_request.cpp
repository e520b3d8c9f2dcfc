#include "request_builder.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;
using namespace jcode::claude;

namespace {
const char* kConv = R"({
  "system": "Be brief.",
  "messages": [
    {"role": "user", "content": "run it"},
    {"role": "assistant", "content": [{"type":"tool_use","id":"t1","name":"bash","input":{"command":"ls"}}]},
    {"role": "user", "content": [{"type":"tool_result","tool_use_id":"t1","content":"a.txt"}]}
  ],
  "tools": [{"name":"bash","description":"Run a command","input_schema":{"type":"object"}},
            {"name":"custom_tool","input_schema":{"type":"object"}}]
})";
}

TEST_CASE("OAuth mode: identity line first, tools and history renamed on the wire") {
  Contract c;
  auto r = build_messages_body(kConv, "claude-opus-4-5", AuthMode::oauth, c, true);
  REQUIRE(r.error.empty());
  json b = json::parse(r.body);
  CHECK(b["system"][0]["text"] == c.identity);
  CHECK(b["system"][1]["text"] == "Be brief.");
  CHECK(b["tools"][0]["name"] == "shell_exec");
  CHECK(b["tools"][1]["name"] == "custom_tool");
  CHECK(b["messages"][1]["content"][0]["name"] == "shell_exec");
  CHECK(b["messages"][0]["content"][0]["text"] == "run it");
  CHECK(b["messages"][2]["content"][0]["content"][0]["text"] == "a.txt");
  CHECK(b["stream"] == true);
  CHECK(b["model"] == "claude-opus-4-5");
}

TEST_CASE("API-key mode: native names, no identity line") {
  Contract c;
  auto r = build_messages_body(kConv, "m", AuthMode::api_key, c, false);
  REQUIRE(r.error.empty());
  json b = json::parse(r.body);
  CHECK(b["system"].size() == 1);
  CHECK(b["system"][0]["text"] == "Be brief.");
  CHECK(b["tools"][0]["name"] == "bash");
}

TEST_CASE("every spec tool name is mapped") {
  Contract c;
  const std::pair<const char*, const char*> spec[] = {
      {"bash", "shell_exec"}, {"read", "file_read"}, {"write", "file_write"},
      {"edit", "file_edit"}, {"glob", "file_glob"}, {"grep", "file_grep"},
      {"task", "task_runner"}, {"todoread", "todo_read"}, {"todowrite", "todo_write"}};
  for (auto [native, wire] : spec) CHECK(c.tool_names.at(native) == wire);
  CHECK(c.wire_to_native().at("todo_write") == "todowrite");
}

TEST_CASE("malformed conversations are refused with a message") {
  Contract c;
  CHECK_FALSE(build_messages_body("[]", "m", AuthMode::oauth, c, true).error.empty());
  CHECK_FALSE(build_messages_body(R"({"messages":[]})", "m", AuthMode::oauth, c, true).error.empty());
}
