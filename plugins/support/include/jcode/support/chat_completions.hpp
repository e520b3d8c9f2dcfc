// The OpenAI Chat Completions API as spoken by Azure OpenAI (/openai/v1/chat/completions),
// Fireworks, MiniMax, Copilot and other OpenAI-compatible hosts: request bodies built from
// jcode's neutral conversation JSON, and a decoder for its `data:` chunk stream. Pure: no
// host services, so tests feed it the recorded real streams directly.
#pragma once

#include <jcode/plugin.h>
#include <jcode/support/stream_send.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace jcode::support::chat_completions {

struct BuildOptions {
  std::string model;                              // required (Azure: the deployment name)
  bool stream = true;
  bool include_usage = true;                      // stream_options.include_usage
  std::string max_tokens_field = "max_tokens";    // or "max_completion_tokens"; "" = never sent
  std::map<std::string, std::string> tool_names;  // native → wire, when a host renames tools
};

struct Built {
  std::string body;
  std::string error;  // non-empty: the conversation was malformed (message for the user)
};

// Neutral conversation → Chat Completions body: system → a "system" message; user text →
// {"role":"user","content":"…"}; assistant text + tool_use → one assistant message with
// "tool_calls" (content null when it has no text); user tool_result → {"role":"tool",
// "tool_call_id","content"} messages before that turn's text; tools → {"type":"function",
// "function":{name,description,parameters}} with tool_choice "auto".
Built build_request(std::string_view conversation_json, const BuildOptions& options);

class StreamDecoder final : public support::Decoder {
 public:
  using Emit = std::function<jcode_status(const jcode_event&)>;
  explicit StreamDecoder(Emit emit, std::map<std::string, std::string> wire_to_native = {});

  // One SSE event: `data` is a chunk object, an {"error":…} object, or "[DONE]". Returns the
  // emit status, or JCODE_E_PROTOCOL (see error_message()) on data that is not JSON.
  jcode_status feed(std::string_view event, std::string_view data) override;

  // At the end of the body: streams that stop after the finish_reason chunk without
  // "[DONE]" still end cleanly. Returns the emit status.
  jcode_status end_of_stream() override;

  bool finished() const override { return finished_; }  // [DONE] (or end_of_stream after a finish_reason)
  bool saw_error() const override { return saw_error_; }
  const std::string& error_message() const override { return error_message_; }
  const std::string& error_code() const override { return error_code_; }
  const std::string& stop_reason() const { return stop_reason_; }
  const std::string& model() const { return model_; }

 private:
  struct Call {
    std::string id, name, args;
    bool ended = false;
  };
  jcode_status close_calls();
  jcode_status done();

  Emit emit_;
  std::map<std::string, std::string> wire_to_native_;
  std::map<int32_t, Call> calls_;
  int64_t input_tokens_ = 0, output_tokens_ = 0, cached_tokens_ = 0;
  bool finished_ = false, saw_error_ = false, model_sent_ = false, saw_finish_reason_ = false;
  std::string error_message_, error_code_, stop_reason_, model_;
};

}  // namespace jcode::support::chat_completions
