// The Claude Code "OAuth contract": what the Messages API demands of requests made with a
// Claude subscription token (spec: "Claude OAuth direct API compatibility"). The provider
// changes these values from time to time, so they live in this one table and config
// ([plugins.claude] keys, see README.md) can override each of them.
#pragma once

#include <map>
#include <string>

namespace jcode::claude {

struct Contract {
  std::string user_agent = "claude-cli/1.0.0";
  std::string betas = "oauth-2025-04-20,claude-code-20250219";
  std::string identity = "You are Claude Code, Anthropic's official CLI for Claude.";
  std::string anthropic_version = "2023-06-01";
  // Native jcode tool name → name on the wire in OAuth mode.
  std::map<std::string, std::string> tool_names = {
      {"bash", "shell_exec"}, {"read", "file_read"},     {"write", "file_write"},
      {"edit", "file_edit"},  {"glob", "file_glob"},     {"grep", "file_grep"},
      {"task", "task_runner"}, {"todoread", "todo_read"}, {"todowrite", "todo_write"},
  };

  std::map<std::string, std::string> wire_to_native() const {
    std::map<std::string, std::string> out;
    for (const auto& [native, wire] : tool_names) out[wire] = native;
    return out;
  }
};

}  // namespace jcode::claude
