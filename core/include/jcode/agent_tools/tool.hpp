// jcode's native tools: what the model may call during `jcode run` and auth-test's tool smoke.
// Each tool has a native name (plugins map wire names themselves), a description and a JSON
// input schema sent to the model, and a read_only flag the agent's permission policy uses:
// read-only tools run without asking, the others need the user's permission.
//
// Workspace rule: every path a file tool takes is resolved against ToolContext::cwd, and with
// confine_to_workspace (the default) the resolved path, symlinks included, must lie inside
// the workspace — an absolute path elsewhere, "../x", or a symlink pointing out of the
// workspace is refused with an error saying so. This applies to the read-only tools too,
// because they run without asking and could otherwise hand the model another tool's
// credential file. Paths under ToolContext::protected_paths (jcode's own home and config
// dir, ~/.ssh, other tools' credential directories...) are refused even inside the workspace,
// and glob/grep skip them. `bash` cannot be confined; it is never read-only and always needs
// permission.
#pragma once

#include <jcode/error.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::agent_tools {

// What the model sees as the tool_result. is_error marks a failure the model should react to
// (file not found, command exited non-zero, bad arguments).
struct ToolOutput {
  std::string content;
  bool is_error = false;
};

struct Todo {
  std::string content;
  std::string status;  // "pending" | "in_progress" | "completed"
};

// Limits, so one tool call can neither flood the conversation nor run forever.
struct Limits {
  std::chrono::milliseconds bash_default_timeout{120'000};
  std::chrono::milliseconds bash_max_timeout{600'000};
  std::size_t bash_output_bytes = 64u << 10;  // the tail is kept
  std::size_t read_default_lines = 2000;
  std::size_t read_output_bytes = 256u << 10;
  std::size_t line_chars = 2000;              // longer lines are cut (read, grep)
  std::size_t file_bytes = 10u << 20;         // read / edit / grep skip or refuse larger files
  std::size_t glob_results = 1000;
  std::size_t grep_matches = 500;
  std::size_t grep_output_bytes = 64u << 10;
  std::size_t walk_entries = 200'000;         // directory entries visited by glob / grep
};

// Where credentials live: jcode home, the app config dir, and the usual credential files and
// directories of other tools and of ssh/gpg/cloud CLIs, under the home directory (and, when
// JCODE_HOME sandboxes jcode, under $JCODE_HOME/external too). Paths that cannot be
// determined are left out.
std::vector<std::filesystem::path> default_protected_paths();

// State shared by the tools of one session.
struct ToolContext {
  std::filesystem::path cwd;          // the workspace; empty = the process's current directory
  bool confine_to_workspace = true;   // see the workspace rule above
  std::vector<std::filesystem::path> protected_paths = default_protected_paths();
  Limits limits;
  std::vector<Todo> todos;            // todoread / todowrite
  // Variables removed from the environment `bash` commands see (e.g. the API key variables
  // of the provider in use, so a command cannot print them into the conversation).
  std::vector<std::string> bash_env_remove;
  // Sub-agent runner for `task` (description, prompt) → final text. Unset: `task` answers an
  // error result "task is not available in this context".
  std::function<Result<std::string>(const std::string& description, const std::string& prompt)>
      run_subagent;
  // Polled by long-running tools; true stops them with JCODE_E_CANCELLED.
  std::function<bool()> cancelled;
};

// One native tool. run() answers Ok(ToolOutput) for everything the model should see,
// including failures (is_error = true); an Error is returned for invalid input
// (JCODE_E_INVALID_ARG, naming the tool and the field) and for cancellation
// (JCODE_E_CANCELLED), which the agent loop treats as "stop the run".
struct Tool {
  std::string name;
  std::string description;
  nlohmann::json input_schema;  // a JSON Schema object
  bool read_only = false;
  Result<ToolOutput> (*run)(const nlohmann::json& input, ToolContext& ctx) = nullptr;
};

// All native tools, in a fixed order: bash, read, write, edit, glob, grep, task, todoread,
// todowrite. Built once; the references stay valid for the process lifetime.
const std::vector<Tool>& builtin();
// The native tool with this name, or nullptr.
const Tool* find(std::string_view name);

}  // namespace jcode::agent_tools
