// Antigravity, pure parts: the JCODE_ANTIGRAVITY_* settings of the CLI transport, its argv,
// and the request fingerprint Antigravity sends to Code Assist.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::antigravity {

inline constexpr const char* kDefaultModel = "default";
inline constexpr const char* kDefaultVersion = "1.18.3";

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;  // blank = unset

struct CliSettings {
  std::string path = "antigravity";  // JCODE_ANTIGRAVITY_CLI_PATH
  std::string model = kDefaultModel;  // the request's model, else JCODE_ANTIGRAVITY_MODEL
  std::string prompt_flag = "-p";     // JCODE_ANTIGRAVITY_PROMPT_FLAG
  std::string model_flag = "--model"; // JCODE_ANTIGRAVITY_MODEL_FLAG
  uint32_t timeout_ms = 600000;       // JCODE_ANTIGRAVITY_CLI_TIMEOUT_S
  std::string error;                  // non-empty: a setting is unusable (names it and the fix)
};

CliSettings cli_settings(const EnvLookup& env, std::string_view request_model);

// <prompt_flag> <prompt> [<model_flag> <model>] — the model only when it is not "default"
// (the backend's own choice). The prompt is not a secret; the token goes in the environment.
std::vector<std::string> cli_args(const CliSettings& s, const std::string& prompt);

// {ideType:"ANTIGRAVITY", platform:"PLATFORM_UNSPECIFIED", pluginType:"GEMINI"}
nlohmann::json load_metadata();
// User-Agent antigravity/<version> darwin/<arch> (Linux reports darwin, as Antigravity does),
// x-goog-api-client, client-metadata.
std::vector<std::pair<std::string, std::string>> fingerprint_headers(std::string_view version);

}  // namespace jcode::antigravity
