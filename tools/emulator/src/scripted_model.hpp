// Deterministic "model": the answer is a function of the last user message.
//   "... command exactly `X` ..."   -> a call to the bash tool with {"command": X}
//   after the tool result arrives   -> the text asked for by "reply with exactly Y", else an echo
//   "Reply with exactly Y"          -> Y
//   anything else                   -> a short echo
#pragma once

#include <string>
#include <vector>

#include "util.hpp"

namespace jemu {

struct Conversation {
  std::string last_user_text;       // newest user text (ignoring tool results)
  bool last_is_tool_result = false;  // the final message carries a tool result
  std::string tool_result_text;
  std::vector<std::string> tool_names;  // declared tools, wire names
};

struct ModelReply {
  bool tool_call = false;
  std::string text;
  std::string tool_name;
  json tool_input;
};

/// Wire names that count as "the bash tool", in order of preference.
const std::vector<std::string>& bash_tool_aliases();

ModelReply scripted_reply(const Conversation& c);

/// Extracts "reply with exactly Y" (nullopt-like empty string if absent).
std::string requested_exact_reply(const std::string& text);
/// Extracts the command of "command exactly `X`" / "run `X`" (empty if absent).
std::string requested_command(const std::string& text);

}  // namespace jemu
