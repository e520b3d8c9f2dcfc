// The deprecated Claude CLI transport, pure parts: settings from the JCODE_CLAUDE_CLI_*
// variables, the argv, the stdin message, and the parser of Claude Code's
// `--output-format stream-json` lines into jcode events.
//
// Claude Code runs its own agent loop in this mode: it executes the tools it calls itself,
// so only the answer's text (and thinking) reaches jcode — never TOOL_CALL events, and the
// tools of jcode's conversation are not offered to the model.
#pragma once

#include "stream_decoder.hpp"

#include <jcode/plugin.h>

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::claude {

inline constexpr const char* kCliDefaultModel = "claude-opus-4-5-20251101";
inline constexpr const char* kCliDeprecation =
    "the Claude CLI transport is deprecated; unset JCODE_USE_CLAUDE_CLI to use the direct API";

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// The value of JCODE_USE_CLAUDE_CLI (the claude_cli_session source) asks for the CLI: "1"
// exactly, the spec's value.
bool cli_session_requested(std::string_view value);

struct CliSettings {
  std::string path = "claude";                        // JCODE_CLAUDE_CLI_PATH
  std::string model = kCliDefaultModel;               // request model, else JCODE_CLAUDE_CLI_MODEL
  std::string permission_mode = "bypassPermissions";  // JCODE_CLAUDE_CLI_PERMISSION_MODE
  bool partial = true;                                // JCODE_CLAUDE_CLI_PARTIAL=0|false|no → false
  std::string error;  // non-empty: a variable is unusable (the message names it and the fix)
};

// request_model: jcode_chat_request.model (empty = not chosen); it wins over the variable.
CliSettings cli_settings(const EnvLookup& env, std::string_view request_model);

// claude -p --verbose --output-format stream-json --input-format stream-json --model <m>
//   --permission-mode <p> [--include-partial-messages]
std::vector<std::string> cli_argv(const CliSettings& s);

struct CliInput {
  std::string stdin_data;  // one stream-json user message line
  std::string error;       // non-empty: nothing to send (message for the user)
};

// The last user message's text blocks, preceded by the system text as its own block.
CliInput cli_input(std::string_view conversation_json);

// Parses stdout of `claude -p --output-format stream-json` (NDJSON, any chunking).
//  - system/init: the model (one MODEL event);
//  - stream_event (partial mode): the wrapped Messages API event goes through StreamDecoder;
//    its tool calls, per-message USAGE/STOP and ERROR are dropped (the CLI runs its own loop);
//  - assistant: text/thinking blocks when no stream_event was seen (non-partial mode);
//  - result: final USAGE + STOP, or the failure (is_error / error_* subtypes);
//  - messages of sub-agents (parent_tool_use_id set), user/tool results, unknown types and
//    non-JSON lines are ignored.
// Text of successive assistant messages is separated by a blank line.
class CliStreamParser {
 public:
  using Emit = std::function<jcode_status(const jcode_event&)>;
  explicit CliStreamParser(Emit emit);

  // Returns an emit status, or JCODE_E_PROTOCOL (error()) for an oversized line or a
  // malformed wrapped event.
  jcode_status feed(std::string_view chunk);
  jcode_status finish();  // end of output: parses a last line without newline

  bool got_result() const { return got_result_; }
  bool result_is_error() const { return result_is_error_; }
  const std::string& error() const { return error_; }        // result failure or protocol error
  const std::string& session_id() const { return session_id_; }
  const std::string& last_noise() const { return last_noise_; }  // last non-JSON line (diagnostics)

  static constexpr size_t kMaxLine = 16u << 20;

 private:
  jcode_status line(std::string_view text);
  jcode_status on_stream_event(simdjson::dom::element inner);
  jcode_status on_assistant(simdjson::dom::element message);
  jcode_status on_result(simdjson::dom::element doc);
  jcode_status emit_model(std::string_view model);
  jcode_status emit_text(int32_t type, std::string_view text);
  jcode_status from_decoder(const jcode_event& e);

  Emit emit_;
  StreamDecoder decoder_;
  simdjson::dom::parser parser_;
  std::string buffer_;
  std::string session_id_, error_, last_noise_, last_message_id_;
  bool model_sent_ = false, saw_stream_ = false, text_sent_ = false, separate_next_ = false;
  bool got_result_ = false, result_is_error_ = false;
};

// The status and message for a failed run: result error, exit status, stderr tail.
struct CliFailure {
  jcode_status status = JCODE_OK;
  std::string message;
};
CliFailure classify_cli_failure(const CliStreamParser& parser, int32_t exit_code, std::string_view stderr_tail,
                                std::string_view cli_path);

}  // namespace jcode::claude
