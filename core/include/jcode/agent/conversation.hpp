// jcode's neutral conversation (plugin.h, jcode_chat_request): what every transport plugin
// receives and maps to its provider's wire format.
//
//   {"system": "...", "messages": [{"role": "user"|"assistant", "content": [blocks]}],
//    "tools": [{"name", "description", "input_schema"}], "max_tokens": N}
//
// Blocks: {"type":"text","text"}, {"type":"tool_use","id","name","input":{}},
// {"type":"tool_result","tool_use_id","content","is_error"}.
#pragma once

#include <jcode/agent_tools/tool.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace jcode::agent {

struct ToolDecl {
  std::string name;
  std::string description;
  nlohmann::json input_schema;
};

nlohmann::json text_block(std::string text);
nlohmann::json tool_use_block(std::string id, std::string name, nlohmann::json input);
nlohmann::json tool_result_block(std::string tool_use_id, std::string content, bool is_error);

class Conversation {
 public:
  std::string system;           // omitted when empty
  int64_t max_tokens = 8192;    // omitted when 0 (the plugin's default)
  std::vector<ToolDecl> tools;  // omitted when empty

  // Appends a message. Content blocks for the same role as the last message are added to it
  // (providers want user and assistant to alternate). Empty content is ignored.
  void add_message(const std::string& role, nlohmann::json content);
  void add_user_text(std::string text);

  // Declares a native tool to the model (replacing an earlier declaration of the same name).
  void declare(const agent_tools::Tool& tool);

  const nlohmann::json& messages() const { return messages_; }
  nlohmann::json to_json() const;
  // The request text. Invalid UTF-8 (a tool read a Latin-1 file, output cut mid-character)
  // is replaced by U+FFFD instead of failing the request.
  std::string serialize() const;

 private:
  nlohmann::json messages_ = nlohmann::json::array();
};

}  // namespace jcode::agent
