// Helpers shared by the native tools: argument checks, workspace path resolution, file I/O.
#pragma once

#include <jcode/agent_tools/tool.hpp>

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::agent_tools::detail {

// Argument access. Errors are JCODE_E_INVALID_ARG naming the tool and the field, so the model
// can correct its call.
Status require_object(const nlohmann::json& input, std::string_view tool);
Result<std::string> required_string(const nlohmann::json& input, std::string_view tool,
                                    const char* field);
Result<std::optional<std::string>> optional_string(const nlohmann::json& input,
                                                   std::string_view tool, const char* field);
// A non-negative integer (JSON integer, or a float with no fraction: some models send 10.0).
Result<std::optional<int64_t>> optional_count(const nlohmann::json& input, std::string_view tool,
                                              const char* field);
Result<bool> optional_bool(const nlohmann::json& input, std::string_view tool, const char* field,
                           bool fallback);

// The workspace root: ctx.cwd (or the current directory) with symlinks resolved.
Result<std::filesystem::path> workspace_root(const ToolContext& ctx);

// A path the model gave, made absolute against the workspace with every existing symlink
// resolved; with ctx.confine_to_workspace it must lie inside the workspace.
Result<std::filesystem::path> resolve(const ToolContext& ctx, std::string_view tool,
                                      std::string_view user_path);

// How a resolved path is shown to the model: relative to the workspace when inside it.
std::string display(const std::filesystem::path& root, const std::filesystem::path& p);

bool is_within(const std::filesystem::path& root, const std::filesystem::path& p);

// ToolContext::protected_paths with symlinks resolved, for comparing with resolved paths.
std::vector<std::filesystem::path> protected_roots(const ToolContext& ctx);
// The protected root that contains the resolved path p.
std::optional<std::filesystem::path> protected_by(const std::vector<std::filesystem::path>& roots,
                                                  const std::filesystem::path& p);

// A NUL byte in the first 8 KiB: treated as binary.
bool looks_binary(std::string_view bytes);

// Replaces `path` with `bytes` through a temp file in the same directory and a rename, so a
// failure never leaves a half-written source file. mode is applied exactly. The temp name
// (".<name>.jcode-<random>") cannot collide with the user's files; nothing else in the
// directory is touched.
Status replace_file(const std::filesystem::path& path, std::string_view bytes, mode_t mode);

// Cuts s to at most max bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max);

}  // namespace jcode::agent_tools::detail
