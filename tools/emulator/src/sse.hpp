// Server-sent-events framing as the real APIs send it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util.hpp"

namespace jemu {

/// "event: <name>\ndata: <json>\n\n" (Anthropic, OpenAI Responses).
std::string sse_event(std::string_view name, const json& data);
/// "data: <json>\n\n" (Chat Completions).
std::string sse_data(const json& data);
/// "data: [DONE]\n\n".
std::string sse_done();
/// Splits a recorded SSE body into its events (each keeps its trailing blank line).
std::vector<std::string> sse_split_events(const std::string& body);

struct SseEvent {
  std::string event;  // "" when the stream has no event: lines
  std::string data;
};
/// Parses an SSE body (for tests and fixture checks). Ignores comments; joins multi-line data.
std::vector<SseEvent> sse_parse(const std::string& body);

}  // namespace jemu
