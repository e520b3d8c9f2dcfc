#include <jcode/agent/conversation.hpp>

namespace jcode::agent {

using nlohmann::json;

json text_block(std::string text) { return {{"type", "text"}, {"text", std::move(text)}}; }

json tool_use_block(std::string id, std::string name, json input) {
  return {{"type", "tool_use"}, {"id", std::move(id)}, {"name", std::move(name)}, {"input", std::move(input)}};
}

json tool_result_block(std::string tool_use_id, std::string content, bool is_error) {
  return {{"type", "tool_result"},
          {"tool_use_id", std::move(tool_use_id)},
          {"content", std::move(content)},
          {"is_error", is_error}};
}

void Conversation::add_message(const std::string& role, json content) {
  if (!content.is_array()) content = json::array({std::move(content)});
  if (content.empty()) return;
  if (!messages_.empty() && messages_.back().at("role") == role) {
    auto& blocks = messages_.back()["content"];
    for (auto& b : content) blocks.push_back(std::move(b));
    return;
  }
  messages_.push_back({{"role", role}, {"content", std::move(content)}});
}

void Conversation::add_user_text(std::string text) {
  add_message("user", json::array({text_block(std::move(text))}));
}

void Conversation::declare(const agent_tools::Tool& tool) {
  for (auto& t : tools) {
    if (t.name == tool.name) {
      t = ToolDecl{tool.name, tool.description, tool.input_schema};
      return;
    }
  }
  tools.push_back(ToolDecl{tool.name, tool.description, tool.input_schema});
}

json Conversation::to_json() const {
  json j = json::object();
  if (!system.empty()) j["system"] = system;
  j["messages"] = messages_;
  if (!tools.empty()) {
    json list = json::array();
    for (const auto& t : tools) {
      list.push_back({{"name", t.name}, {"description", t.description}, {"input_schema", t.input_schema}});
    }
    j["tools"] = std::move(list);
  }
  if (max_tokens > 0) j["max_tokens"] = max_tokens;
  return j;
}

std::string Conversation::serialize() const {
  return to_json().dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace jcode::agent
