// The OpenAI Responses API (api.openai.com/v1/responses, the ChatGPT Codex backend, and the
// OpenAI-compatible hosts that speak it): request bodies built from jcode's neutral
// conversation JSON, and a decoder turning its stream events into jcode events. Pure: no host
// services, so tests feed it the recorded real streams directly.
#pragma once

#include <jcode/plugin.h>
#include <jcode/support/stream_send.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::support::responses {

struct BuildOptions {
  std::string model;                              // required
  bool stream = true;
  std::optional<bool> store;                      // the ChatGPT backend requires false
  bool send_max_output_tokens = true;             // the ChatGPT backend rejects max_output_tokens
  std::optional<bool> parallel_tool_calls;        // sent only when set
  std::vector<std::string> include;               // e.g. "reasoning.encrypted_content"
  std::map<std::string, std::string> tool_names;  // native → wire, when a host renames tools
  std::string default_instructions;               // used when the conversation has no system text
};

struct Built {
  std::string body;
  std::string error;  // non-empty: the conversation was malformed (message for the user)
};

// Neutral conversation (see plugin.h, jcode_chat_request) → Responses body:
//  system → "instructions"; user/assistant text → input messages (a lone text block as a
//  plain string); assistant tool_use → {"type":"function_call",call_id,name,arguments};
//  user tool_result → {"type":"function_call_output",call_id,output} placed before that
//  message's text; tools → {"type":"function",name,description,parameters}; max_tokens →
//  max_output_tokens (when allowed).
Built build_request(std::string_view conversation_json, const BuildOptions& options);

class StreamDecoder final : public support::Decoder {
 public:
  using Emit = std::function<jcode_status(const jcode_event&)>;
  // wire_to_native: reverse tool-name map (may be empty).
  explicit StreamDecoder(Emit emit, std::map<std::string, std::string> wire_to_native = {});

  // One SSE event (name, possibly empty, and data). Returns the emit status, or
  // JCODE_E_PROTOCOL (see error_message()) when the data is not a JSON object.
  jcode_status feed(std::string_view event, std::string_view data) override;

  bool finished() const override { return finished_; }      // response.completed/incomplete/failed seen
  bool saw_error() const override { return saw_error_; }    // an `error` event or response.failed
  const std::string& error_message() const override { return error_message_; }
  const std::string& error_code() const override { return error_code_; }
  const std::string& stop_reason() const { return stop_reason_; }
  const std::string& model() const { return model_; }

 private:
  struct Call {
    std::string call_id, item_id, name, args;
    bool started = false, ended = false;
  };
  jcode_status start_call(int32_t index, Call& call);
  jcode_status end_call(int32_t index, Call& call);
  jcode_status text(int32_t type, std::string_view delta, int32_t index);
  jcode_status reconcile(const std::string& key, std::string_view full, int32_t index);
  jcode_status report_error(std::string_view code, std::string_view message);
  jcode_status finish(std::string_view status, std::string_view incomplete_reason, int64_t input_tokens,
                      int64_t output_tokens, int64_t cached_tokens);

  Emit emit_;
  std::map<std::string, std::string> wire_to_native_;
  std::map<int32_t, Call> calls_;
  std::map<std::string, std::string> texts_;  // "<item_id>:<content_index>" → text so far
  int tool_calls_in_response_ = 0;
  bool model_sent_ = false, finished_ = false, saw_error_ = false, error_sent_ = false;
  std::string error_message_, error_code_, stop_reason_, model_;
};

}  // namespace jcode::support::responses
