// What a transport plugin exchanges with the host: one request out, a stream of events back.
// Kept out of registry.hpp so that the agent loop can use these types without depending
// on plugin loading.
#pragma once

#include <jcode/error.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace jcode::plugins {

struct ChatRequest {
  std::string model;         // empty = the plugin's default
  std::string conversation;  // jcode's neutral JSON conversation
};

enum class EventType : int32_t {
  text = JCODE_EVENT_TEXT,
  thinking = JCODE_EVENT_THINKING,
  tool_call_start = JCODE_EVENT_TOOL_CALL_START,
  tool_call_delta = JCODE_EVENT_TOOL_CALL_DELTA,
  tool_call_end = JCODE_EVENT_TOOL_CALL_END,
  usage = JCODE_EVENT_USAGE,
  stop = JCODE_EVENT_STOP,
  error = JCODE_EVENT_ERROR,
  model = JCODE_EVENT_MODEL,
};

struct Event {
  EventType type = EventType::text;
  std::string text;
  std::string id;
  std::string name;
  std::string json;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_tokens = 0;
  int32_t index = 0;
  int32_t http_status = 0;
};

// Returning an error asks the plugin to stop; send() then returns that error.
using EventHandler = std::function<Status(const Event&)>;

}  // namespace jcode::plugins
