// task, todoread, todowrite: tools whose state lives in the session's ToolContext.
#include "agent_tools/builtin.hpp"
#include "agent_tools/detail.hpp"

namespace jcode::agent_tools::detail {

using nlohmann::json;

Result<ToolOutput> run_task(const json& input, ToolContext& ctx) {
  if (auto st = require_object(input, "task"); !st) return st.error();
  auto description = required_string(input, "task", "description");
  if (!description) return description.error();
  auto prompt = required_string(input, "task", "prompt");
  if (!prompt) return prompt.error();
  if (prompt->empty()) return Error{JCODE_E_INVALID_ARG, "task: \"prompt\" is empty"};
  if (!ctx.run_subagent) return ToolOutput{"task is not available in this context", true};
  auto answer = ctx.run_subagent(*description, *prompt);
  if (!answer) {
    if (answer.status() == JCODE_E_CANCELLED) return answer.error();
    return ToolOutput{"the sub-agent failed: " + answer.error().message, true};
  }
  return ToolOutput{std::move(*answer), false};
}

Result<ToolOutput> run_todoread(const json& input, ToolContext& ctx) {
  if (!input.is_null()) {
    if (auto st = require_object(input, "todoread"); !st) return st.error();
  }
  if (ctx.todos.empty()) return ToolOutput{"the todo list is empty", false};
  json list = json::array();
  for (const auto& t : ctx.todos) list.push_back({{"content", t.content}, {"status", t.status}});
  return ToolOutput{list.dump(2), false};
}

Result<ToolOutput> run_todowrite(const json& input, ToolContext& ctx) {
  if (auto st = require_object(input, "todowrite"); !st) return st.error();
  auto it = input.find("todos");
  if (it == input.end() || !it->is_array()) {
    return Error{JCODE_E_INVALID_ARG, "todowrite: \"todos\" must be an array of {content, status}"};
  }
  std::vector<Todo> todos;
  std::size_t counts[3] = {0, 0, 0};
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& item = (*it)[i];
    const std::string where = "todowrite: todos[" + std::to_string(i) + "]";
    if (!item.is_object()) return Error{JCODE_E_INVALID_ARG, where + " must be an object"};
    auto content = required_string(item, where, "content");
    if (!content) return content.error();
    auto status = required_string(item, where, "status");
    if (!status) return status.error();
    if (*status == "pending") {
      ++counts[0];
    } else if (*status == "in_progress") {
      ++counts[1];
    } else if (*status == "completed") {
      ++counts[2];
    } else {
      return Error{JCODE_E_INVALID_ARG,
                   where + ": \"status\" must be pending, in_progress or completed, not \"" + *status + "\""};
    }
    todos.push_back(Todo{std::move(*content), std::move(*status)});
  }
  ctx.todos = std::move(todos);
  return ToolOutput{"todo list updated: " + std::to_string(ctx.todos.size()) + " items (" +
                        std::to_string(counts[0]) + " pending, " + std::to_string(counts[1]) +
                        " in progress, " + std::to_string(counts[2]) + " completed)",
                    false};
}

}  // namespace jcode::agent_tools::detail
