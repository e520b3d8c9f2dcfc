// The agent turn loop behind `jcode run` and auth-test's smokes: send the conversation,
// collect the assistant message from the streamed events, run the tools it calls (through a
// permission policy), send the results back, until the model ends its turn.
//
//   agent::Conversation conv;
//   conv.add_user_text("Use exactly one bash tool call ...");
//   agent::Options opt;
//   opt.only_tools = std::vector<std::string>{"bash"};
//   opt.allow_tools = {"bash"};
//   auto res = agent::run_turns(*plugin, credentials, conv, opt, observer);
#pragma once

#include <jcode/agent/conversation.hpp>
#include <jcode/agent/transport.hpp>
#include <jcode/error.hpp>
#include <jcode/model/credential.hpp>
#include <jcode/agent_tools/tool.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::agent {

struct Usage {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_tokens = 0;
};

// One tool call the model made and what it got back.
struct ToolCallRecord {
  std::string id;
  std::string name;
  nlohmann::json input = nlohmann::json::object();  // {} when the arguments were not valid
  std::string raw_input;                             // the arguments as the transport gave them
  bool valid_input = true;
  std::string output;
  bool is_error = false;
};

enum class Permission { deny, allow_once, allow_always };

struct Options {
  std::string model;  // empty = the plugin's default
  int max_turns = 16;  // requests sent; still calling tools after the last one is an error
  // The tools declared to the model. nullopt = every native tool; an empty list = none.
  // A call to a tool not declared is answered with an error result.
  std::optional<std::vector<std::string>> only_tools;
  // Tools that are not read-only run only when listed here ("*" = all) or when
  // ask_permission allows them. Read-only tools always run.
  std::vector<std::string> allow_tools;
  // Asked for a tool that is not read-only and not allowed (interactive yes/no). Unset: such
  // calls are refused with "the user did not allow <tool>".
  std::function<Permission(const agent_tools::Tool& tool, const nlohmann::json& input)> ask_permission;
  // The tools' session state (workspace, todos, sub-agent). Null: a fresh context in the
  // current directory.
  agent_tools::ToolContext* tool_context = nullptr;
  // Polled between events and tool calls; true ends the run with JCODE_E_CANCELLED.
  std::function<bool()> cancelled;
};

// Streaming output. Every member is optional.
struct Observer {
  std::function<void(std::string_view delta)> on_text;
  std::function<void(std::string_view delta)> on_thinking;
  std::function<void(const std::string& name, const nlohmann::json& input)> on_tool_call;
  std::function<void(const std::string& name, const std::string& output, bool is_error)> on_tool_result;
  std::function<void(const Usage& total)> on_usage;  // totals of the run so far
  std::function<void(const std::string& model)> on_model;
  std::function<void(const std::string& message, int32_t http_status)> on_error;
  std::function<void(const std::string& reason)> on_stop;
};

struct RunResult {
  std::string final_text;   // the text of the last assistant message
  std::string stop_reason;  // of the last response (end_turn, max_tokens, ...)
  std::string model;        // as the transport reported it
  Usage usage;              // summed over the requests
  std::vector<ToolCallRecord> tool_calls;  // in call order
  int turns = 0;            // requests sent (an auth retry is not counted)
};

// The credential to send with; force_refresh = true after the service refused the last one.
// A credential that cannot be renewed (an API key, a CLI session) answers force_refresh with
// JCODE_E_NOT_SUPPORTED: the service's refusal, in the plugin's words, is then the error.
// Unset: requests go without a credential (plugins that declare no sources).
using CredentialProvider = std::function<Result<model::Credential>(bool force_refresh)>;

// Runs turns until the model answers without calling a tool. Errors: the transport's Error
// as is (after one refresh-and-retry on JCODE_E_AUTH_EXPIRED); an error event from the
// service (JCODE_E_RATE_LIMITED for HTTP 429, else JCODE_E_SERVER, with its message);
// JCODE_E_PROTOCOL when the turn limit is reached; JCODE_E_INVALID_ARG for an unknown name
// in only_tools; JCODE_E_CANCELLED. On error the conversation still holds every completed
// exchange.
Result<RunResult> run_turns(Transport& transport, const CredentialProvider& credentials,
                            Conversation& conversation, const Options& options = {},
                            const Observer& observer = {});
Result<RunResult> run_turns(plugins::Plugin& plugin, const CredentialProvider& credentials,
                            Conversation& conversation, const Options& options = {},
                            const Observer& observer = {});

// "bash,write" (a --allow-tools value) → names, checked against the native tools; "*" is
// kept as is. The error names the flag and lists the valid names.
Result<std::vector<std::string>> parse_tool_list(std::string_view csv, std::string_view flag);

}  // namespace jcode::agent
