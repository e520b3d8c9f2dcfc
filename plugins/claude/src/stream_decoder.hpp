// Turns Anthropic Messages API stream events into jcode events (jcode_event), mapping wire
// tool names back to jcode's native ones. Pure: no host services, so tests feed it the
// recorded real streams directly.
#pragma once

#include <jcode/plugin.h>
#include <jcode/support/stream_send.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace jcode::claude {

class StreamDecoder final : public support::Decoder {
 public:
  using Emit = std::function<jcode_status(const jcode_event&)>;
  // wire_to_native: reverse tool-name map (empty in API-key mode).
  StreamDecoder(std::map<std::string, std::string> wire_to_native, Emit emit);

  // One SSE event (name and data). Returns the emit status, or JCODE_E_PROTOCOL (with
  // error_message()) when the data is not the JSON the event grammar requires.
  jcode_status feed(std::string_view event, std::string_view data) override;

  bool finished() const override { return finished_; }       // message_stop seen
  bool saw_error() const override { return saw_error_; }     // an `error` event arrived
  const std::string& error_message() const override { return error_message_; }
  const std::string& error_type() const { return error_type_; }  // of the `error` event
  const std::string& error_code() const override { return error_type_; }
  const std::string& stop_reason() const { return stop_reason_; }

 private:
  struct Block {
    std::string type;  // text, thinking, tool_use, server_tool_use, …
    std::string id;
    std::string name;  // native name for tool_use
    std::string json;  // accumulated input_json_delta
  };
  jcode_status emit_text(int32_t type, std::string_view text, int32_t index);

  std::map<std::string, std::string> wire_to_native_;
  Emit emit_;
  std::map<int32_t, Block> blocks_;
  int64_t input_tokens_ = 0, output_tokens_ = 0, cache_read_ = 0, cache_write_ = 0;
  bool finished_ = false, saw_error_ = false;
  std::string error_message_, error_type_, stop_reason_;
};

}  // namespace jcode::claude
