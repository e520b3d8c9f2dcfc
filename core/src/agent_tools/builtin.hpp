// The run functions of the native tools, one per tool; the table is in registry.cpp.
#pragma once

#include <jcode/agent_tools/tool.hpp>

namespace jcode::agent_tools::detail {

Result<ToolOutput> run_bash(const nlohmann::json& input, ToolContext& ctx);
Result<ToolOutput> run_read(const nlohmann::json& input, ToolContext& ctx);
Result<ToolOutput> run_write(const nlohmann::json& input, ToolContext& ctx);
Result<ToolOutput> run_edit(const nlohmann::json& input, ToolContext& ctx);
Result<ToolOutput> run_glob(const nlohmann::json& input, ToolContext& ctx);
Result<ToolOutput> run_grep(const nlohmann::json& input, ToolContext& ctx);
Result<ToolOutput> run_task(const nlohmann::json& input, ToolContext& ctx);
Result<ToolOutput> run_todoread(const nlohmann::json& input, ToolContext& ctx);
Result<ToolOutput> run_todowrite(const nlohmann::json& input, ToolContext& ctx);

}  // namespace jcode::agent_tools::detail
