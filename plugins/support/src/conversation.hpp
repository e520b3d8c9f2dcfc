// Helpers shared by the Responses and Chat Completions builders for reading jcode's neutral
// conversation JSON (private to plugins/support).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

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

}  // namespace jcode::support::detail
