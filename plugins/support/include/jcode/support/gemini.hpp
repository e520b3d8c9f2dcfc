// The Gemini generateContent wire format, as Gemini CLI speaks it both to the Gemini API
// (generativelanguage.googleapis.com, x-goog-api-key) and, wrapped, to Code Assist
// (cloudcode-pa.googleapis.com/v1internal, {model, project, request:{…}}): request bodies from
// jcode's neutral conversation, and a stream decoder for `:streamGenerateContent?alt=sse`
// (each event one GenerateContentResponse, possibly wrapped in {"response": …}). Function
// calls go both ways: tool_use → functionCall, tool_result → functionResponse, and streamed
// functionCall parts → TOOL_CALL events. Pure: no host services.
#pragma once

#include <jcode/plugin.h>
#include <jcode/support/stream_send.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace jcode::support::gemini {

struct Built {
  nlohmann::json request;  // {contents, systemInstruction?, tools?, toolConfig?, generationConfig?}
  std::string error;       // non-empty: the conversation was malformed
};

// system → systemInstruction {role:"user", parts:[{text}]}; user/assistant → contents with
// roles user/model; tool_use → {functionCall:{name, args, id}}; tool_result →
// {functionResponse:{name (of its call), id, response:{output}|{error}}}; tools →
// [{functionDeclarations:[{name, description, parameters}]}] (schema keys Gemini refuses are
// dropped) with toolConfig AUTO; max_tokens → generationConfig.maxOutputTokens.
// signature_of: the thought signature Gemini gave with the functionCall of that tool_use id
// ("" = none); Gemini 3 models refuse a function-call turn without it. The neutral
// conversation has no field for it, so a transport keeps them while its agent loop runs.
using SignatureLookup = std::function<std::string(const std::string& tool_use_id)>;
Built build_request(std::string_view conversation_json, const SignatureLookup& signature_of = {});

// Code Assist wraps the request: {model, project, user_prompt_id, request:{…, session_id}}.
nlohmann::json code_assist_body(const nlohmann::json& request, std::string_view model, std::string_view project,
                                std::string_view prompt_id, std::string_view session_id);

class StreamDecoder final : public support::Decoder {
 public:
  using Emit = std::function<jcode_status(const jcode_event&)>;
  // on_signature(tool call id, thoughtSignature) for each functionCall part that carries one.
  using OnSignature = std::function<void(const std::string& id, const std::string& signature)>;
  explicit StreamDecoder(Emit emit, OnSignature on_signature = {});

  jcode_status feed(std::string_view event, std::string_view data) override;
  jcode_status end_of_stream() override;
  bool finished() const override { return finished_; }  // a candidate's finishReason arrived
  bool saw_error() const override { return saw_error_; }
  const std::string& error_code() const override { return error_code_; }
  const std::string& error_message() const override { return error_message_; }
  const std::string& stop_reason() const { return stop_reason_; }

 private:
  jcode_status on_response(const nlohmann::json& r);
  jcode_status finish();

  Emit emit_;
  OnSignature on_signature_;
  bool model_sent_ = false, finished_ = false, saw_error_ = false, stop_sent_ = false;
  int calls_ = 0;
  std::string finish_reason_, stop_reason_, error_code_, error_message_;
  int64_t input_tokens_ = 0, output_tokens_ = 0, cached_tokens_ = 0;
  bool have_usage_ = false;
};

}  // namespace jcode::support::gemini
