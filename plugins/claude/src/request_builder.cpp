#include "request_builder.hpp"

#include <nlohmann/json.hpp>

namespace jcode::claude {
namespace {

using nlohmann::json;

constexpr int kDefaultMaxTokens = 8192;

std::string wire_name(const std::string& native, AuthMode mode, const Contract& c) {
  if (mode != AuthMode::oauth) return native;
  auto it = c.tool_names.find(native);
  return it == c.tool_names.end() ? native : it->second;
}

// Content may be a plain string or an array of blocks; tool_use names are renamed so the
// history matches the tools declared on the wire.
json convert_content(const json& content, AuthMode mode, const Contract& c) {
  if (content.is_string()) return json::array({{{"type", "text"}, {"text", content}}});
  json out = json::array();
  for (const auto& block : content) {
    json b = block;
    if (b.value("type", "") == "tool_use" && b.contains("name") && b["name"].is_string())
      b["name"] = wire_name(b["name"].get<std::string>(), mode, c);
    if (b.value("type", "") == "tool_result" && b.contains("content") && b["content"].is_string())
      b["content"] = json::array({{{"type", "text"}, {"text", b["content"]}}});
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

BuiltRequest build_messages_body(std::string_view conversation_json, std::string_view model,
                                 AuthMode mode, const Contract& contract, bool stream) {
  json conv = json::parse(conversation_json, nullptr, false);
  if (conv.is_discarded() || !conv.is_object())
    return {{}, "the conversation is not a JSON object"};
  if (!conv.contains("messages") || !conv["messages"].is_array() || conv["messages"].empty())
    return {{}, "the conversation has no messages"};

  json body;
  body["model"] = std::string(model);
  body["max_tokens"] = conv.value("max_tokens", kDefaultMaxTokens);
  body["stream"] = stream;

  json system = json::array();
  if (mode == AuthMode::oauth) system.push_back({{"type", "text"}, {"text", contract.identity}});
  if (conv.contains("system") && conv["system"].is_string() && !conv["system"].get<std::string>().empty())
    system.push_back({{"type", "text"}, {"text", conv["system"]}});
  if (!system.empty()) body["system"] = std::move(system);

  json messages = json::array();
  for (const auto& m : conv["messages"]) {
    if (!m.is_object() || !m.contains("role") || !m.contains("content"))
      return {{}, "a conversation message lacks role or content"};
    messages.push_back({{"role", m["role"]}, {"content", convert_content(m["content"], mode, contract)}});
  }
  body["messages"] = std::move(messages);

  if (conv.contains("tools") && conv["tools"].is_array() && !conv["tools"].empty()) {
    json tools = json::array();
    for (const auto& t : conv["tools"]) {
      if (!t.is_object() || !t.contains("name") || !t["name"].is_string())
        return {{}, "a declared tool has no name"};
      json wt;
      wt["name"] = wire_name(t["name"].get<std::string>(), mode, contract);
      if (t.contains("description")) wt["description"] = t["description"];
      wt["input_schema"] = t.value("input_schema", json{{"type", "object"}});
      tools.push_back(std::move(wt));
    }
    body["tools"] = std::move(tools);
  }
  return {body.dump(), {}};
}

}  // namespace jcode::claude
