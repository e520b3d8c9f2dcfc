// The generic part of a CLI-backed transport (antigravity; copilot and cursor next): run
// another tool's CLI in print mode through the host's spawn service, with every secret in the
// child's environment (never argv: refused if one leaks there), a timeout, Ctrl-C through the
// host, stdout split into lines (or streamed as answer text), and failures that name the tool,
// the setting that chooses its path, the exit status and the end of its stderr.
#pragma once

#include <jcode/plugin.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::support::cli {

struct PrintCall {
  std::string label;         // "the Antigravity CLI"
  std::string program;       // argv[0]: a name searched in PATH, or a path
  std::string path_setting;  // the variable that sets `program` ("JCODE_ANTIGRAVITY_CLI_PATH")
  std::string install_hint;  // "install Antigravity", shown when the program is missing
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // secrets go here (registered as secrets)
  std::vector<std::string> secret_env;                   // names in env whose values are secrets
  std::string stdin_data;
  uint32_t timeout_ms = 0;  // 0 = none (Ctrl-C still stops it)
  size_t stderr_tail = 4096;
};

// Runs the call; each complete stdout line (without "\n"/"\r\n") goes to on_line, a last line
// without newline too. A non-OK on_line status stops the child and is returned as is. On a
// failed start, a timeout or a non-zero exit, sets the host error and returns the status.
jcode_status run_lines(const plugin::Host& host, const PrintCall& call,
                       const std::function<jcode_status(std::string_view line)>& on_line);

// Plain-text print mode: stdout is the answer, streamed line by line as TEXT events, then a
// STOP end_turn. Empty output from a successful run is an error (nothing was answered).
jcode_status run_text(const plugin::Host& host, const PrintCall& call, const jcode_event_sink& events);

// jcode's neutral conversation as one prompt for a print-mode CLI: a single user message is
// its text; a longer conversation becomes a transcript ("User:", "Assistant:", tool calls and
// results as text) after the system text. `error` is set for a malformed conversation.
std::string flatten(std::string_view conversation_json, std::string& error);

// A value that will not be read as another option by the CLI (non-empty, no leading '-', no
// spaces or control characters): for models and similar settings passed in argv.
bool plain_arg(std::string_view v);

// The end of a child's stderr for an error message: trimmed, at most `budget` bytes, cut on a
// UTF-8 boundary with a leading "…" when shortened.
std::string tail_text(std::string_view s, size_t budget);

}  // namespace jcode::support::cli
