// Helpers shared by the Responses and Chat Completions builders for reading jcode's neutral
// conversation JSON (private to plugins/support).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

namespace jcode::support::detail {

// A tool_result's content as one string: a string as is, an array of text blocks joined by
// newlines, anything else serialised.
inline std::string tool_result_text(const nlohmann::json& block) {
  auto it = block.find("content");
  if (it == block.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    std::string out;
    for (const auto& part : *it) {
      if (part.is_object() && part.value("type", "") == "text" && part.contains("text") && part["text"].is_string()) {
        if (!out.empty()) out += "\n";
        out += part["text"].get<std::string>();
      }
    }
    return out;
  }
  return it->dump();
}

// The arguments of a tool_use block as the JSON text the wire carries ("{}" when absent).
inline std::string tool_input_text(const nlohmann::json& block) {
  auto it = block.find("input");
  if (it == block.end() || it->is_null()) return "{}";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

inline std::string renamed(const std::map<std::string, std::string>& names, const std::string& name) {
  auto it = names.find(name);
  return it == names.end() ? name : it->second;
}

// A tool_result's content for wire formats without an error flag: the model must still see
// that the tool failed, so is_error prefixes "Error: ".
inline std::string tool_result_content(const nlohmann::json& block) {
  std::string text = tool_result_text(block);
  if (block.value("is_error", false)) return "Error: " + text;
  return text;
}

// Parses the conversation into `conv` and checks what every builder needs: an object with
// messages, and a model. Returns the user-facing error, or "" when usable.
inline std::string parse_conversation(std::string_view text, std::string_view model, nlohmann::json& conv) {
  conv = nlohmann::json::parse(text, nullptr, false);
  if (conv.is_discarded() || !conv.is_object()) return "the conversation is not a JSON object";
  if (!conv.contains("messages") || !conv["messages"].is_array() || conv["messages"].empty())
    return "the conversation has no messages";
  if (model.empty()) return "no model was given";
  return {};
}

// A conversation message's role, "user" or "assistant"; on anything else `error` is set.
inline std::string message_role(const nlohmann::json& m, std::string& error) {
  if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content")) {
    error = "a conversation message lacks role or content";
    return {};
  }
  std::string role = m["role"].get<std::string>();
  if (role != "user" && role != "assistant") error = "a conversation message has role '" + role + "'";
  return role;
}

// Checks a tool_use block (only assistants call tools; it needs id and name); "" when valid.
inline std::string check_tool_use(const nlohmann::json& b, bool assistant) {
  if (!assistant) return "a tool_use block appears in a user message";
  if (!b.contains("id") || !b["id"].is_string() || !b.contains("name") || !b["name"].is_string())
    return "a tool_use block lacks id or name";
  return {};
}

// Checks a tool_result block (only users answer calls; it needs tool_use_id); "" when valid.
inline std::string check_tool_result(const nlohmann::json& b, bool assistant) {
  if (assistant) return "a tool_result block appears in an assistant message";
  if (!b.contains("tool_use_id") || !b["tool_use_id"].is_string()) return "a tool_result block lacks tool_use_id";
  return {};
}

// A declared tool as both wire formats carry it: name (renamed), description ("" when
// absent) and the JSON schema of its input (an empty object schema when absent).
struct ToolDecl {
  std::string name;
  nlohmann::json description, parameters;
};
inline std::string tool_decl(const nlohmann::json& t, const std::map<std::string, std::string>& names, ToolDecl& out) {
  if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) return "a declared tool has no name";
  out.name = renamed(names, t["name"].get<std::string>());
  out.description = t.contains("description") && t["description"].is_string() ? t["description"] : nlohmann::json("");
  out.parameters = t.contains("input_schema") && t["input_schema"].is_object()
                       ? t["input_schema"]
                       : nlohmann::json{{"type", "object"}, {"properties", nlohmann::json::object()}};
  return {};
}

}  // namespace jcode::support::detail
