// Azure OpenAI settings: the KEY=value file ~/.config/jcode/azure-openai.env (read and
// rewritten keeping lines jcode does not know), endpoint normalisation to the /openai/v1
// base, and the effective settings (environment first, then the file).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::azure {

inline constexpr const char* kEndpointKey = "AZURE_OPENAI_ENDPOINT";
inline constexpr const char* kModelKey = "AZURE_OPENAI_MODEL";
inline constexpr const char* kUseEntraKey = "AZURE_OPENAI_USE_ENTRA";
inline constexpr const char* kApiKeyKey = "AZURE_OPENAI_API_KEY";

// The value of key in KEY=value text (last assignment wins; "export " prefixes, surrounding
// whitespace and one layer of quotes removed); nullopt when absent.
std::optional<std::string> env_file_get(std::string_view text, std::string_view key);

// text with key set to value (the first assignment replaced in place, later duplicates
// dropped, appended when absent); every other line is kept byte for byte.
std::string env_file_set(std::string_view text, std::string_view key, std::string_view value);

// text without any assignment of key.
std::string env_file_remove(std::string_view text, std::string_view key);

// "1|true|yes|on" → true, "0|false|no|off" → false (any case), else nullopt.
std::optional<bool> parse_bool(std::string_view value);

struct Normalized {
  std::string url;    // https://res.openai.azure.com/openai/v1
  std::string error;  // names `what` and the fix
};

// https://res.openai.azure.com[/][openai[/v1]][/deployments/…][?…] → https://res.openai.azure.com/openai/v1.
// A bare host gets https://; plain http is only accepted to this machine. `what` names the
// setting in errors ("--endpoint", "AZURE_OPENAI_ENDPOINT").
Normalized normalize_endpoint(std::string_view endpoint, std::string_view what);

struct Settings {
  std::string endpoint;  // as configured (not yet normalised)
  std::string endpoint_setting;  // where it came from, for errors
  std::string model;
  std::optional<bool> use_entra;
  std::string api_key;
  std::string error;  // a setting that cannot be understood (AZURE_OPENAI_USE_ENTRA=maybe): say so
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Each value from the environment when set and non-empty, else from the env file.
Settings resolve_settings(const EnvLookup& env, std::string_view env_file_text);

}  // namespace jcode::azure
