#include "agent_tools/builtin.hpp"

namespace jcode::agent_tools {

using nlohmann::json;

namespace {

json object_schema(json properties, std::vector<std::string> required) {
  json schema = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) schema["required"] = std::move(required);
  schema["additionalProperties"] = false;
  return schema;
}

json prop(const char* type, const char* description) {
  return {{"type", type}, {"description", description}};
}

std::vector<Tool> make_builtin() {
  std::vector<Tool> t;
  t.push_back(Tool{
      "bash",
      "Run a shell command with /bin/sh -c in the workspace directory. Returns stdout and stderr "
      "interleaved (the last 64 KiB when longer) and the exit code when it is not 0. The command "
      "is stopped after timeout_ms (default 120000, at most 600000). Stdin is empty.",
      object_schema({{"command", prop("string", "The shell command to run")},
                     {"timeout_ms", prop("integer", "Timeout in milliseconds (default 120000)")}},
                    {"command"}),
      false, &detail::run_bash});
  t.push_back(Tool{
      "read",
      "Read a text file inside the workspace. Lines are numbered from 1 (\"N\\ttext\"); offset is "
      "the first line to show (1-based), limit the number of lines (default 2000). Long lines "
      "are cut.",
      object_schema({{"path", prop("string", "File path, relative to the workspace or absolute")},
                     {"offset", prop("integer", "First line to read, 1-based")},
                     {"limit", prop("integer", "Maximum number of lines")}},
                    {"path"}),
      true, &detail::run_read});
  t.push_back(Tool{
      "write",
      "Create or replace a file inside the workspace with the given content. Missing parent "
      "directories are created.",
      object_schema({{"path", prop("string", "File path, relative to the workspace or absolute")},
                     {"content", prop("string", "The complete new content")}},
                    {"path", "content"}),
      false, &detail::run_write});
  t.push_back(Tool{
      "edit",
      "Replace an exact string in a file inside the workspace. old_string must occur exactly "
      "once unless replace_all is true; include enough surrounding context to make it unique.",
      object_schema({{"path", prop("string", "File path, relative to the workspace or absolute")},
                     {"old_string", prop("string", "The exact text to replace")},
                     {"new_string", prop("string", "The replacement text")},
                     {"replace_all", prop("boolean", "Replace every occurrence (default false)")}},
                    {"path", "old_string", "new_string"}),
      false, &detail::run_edit});
  t.push_back(Tool{
      "glob",
      "List files whose path matches a glob pattern, sorted. Patterns match the path relative "
      "to the search directory: * and ? stay within one path segment, ** matches any number of "
      "segments (\"**/*.cpp\" finds .cpp files at any depth). .git directories are skipped.",
      object_schema({{"pattern", prop("string", "Glob pattern, e.g. src/**/*.hpp")},
                     {"path", prop("string", "Directory to search (default: the workspace)")}},
                    {"pattern"}),
      true, &detail::run_glob});
  t.push_back(Tool{
      "grep",
      "Search file contents with an ECMAScript regular expression. Prints \"file:line:text\" "
      "for each matching line. path is a file or directory (default: the workspace); glob "
      "filters file names (a pattern without / matches the file name at any depth). Binary "
      "files and .git directories are skipped.",
      object_schema({{"pattern", prop("string", "ECMAScript regular expression")},
                     {"path", prop("string", "File or directory to search")},
                     {"glob", prop("string", "Only search files matching this glob, e.g. *.cpp")}},
                    {"pattern"}),
      true, &detail::run_grep});
  t.push_back(Tool{
      "task",
      "Hand a self-contained sub-task to a sub-agent and get its final answer back.",
      object_schema({{"description", prop("string", "A short (3-5 word) description of the task")},
                     {"prompt", prop("string", "The full instructions for the sub-agent")}},
                    {"description", "prompt"}),
      false, &detail::run_task});
  t.push_back(Tool{"todoread", "Read the current todo list of this session.", object_schema(json::object(), {}),
                   true, &detail::run_todoread});
  json todo_item = object_schema(
      {{"content", prop("string", "What to do")},
       {"status", {{"type", "string"}, {"enum", {"pending", "in_progress", "completed"}}}}},
      {"content", "status"});
  t.push_back(Tool{
      "todowrite",
      "Replace the todo list of this session with the given items (status: pending, "
      "in_progress or completed).",
      object_schema({{"todos", {{"type", "array"}, {"items", std::move(todo_item)}}}}, {"todos"}),
      false, &detail::run_todowrite});
  return t;
}

}  // namespace

const std::vector<Tool>& builtin() {
  static const std::vector<Tool> tools = make_builtin();
  return tools;
}

const Tool* find(std::string_view name) {
  for (const auto& t : builtin()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace jcode::agent_tools
