// Parsed command lines, free of CLI11 so that command implementations (and their tests)
// don't compile the parser. main.cpp is the one translation unit that includes CLI11.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jcode::cli {

struct PluginsListOptions {
  bool verbose = false;
};

struct PluginsInfoOptions {
  std::string id;
};

struct LoginOptions {
  std::string provider;  // positional or --provider
  bool no_browser = false;
  bool print_auth_url = false;
  bool complete = false;
  bool api_key_stdin = false;  // an API-key login reads the key from stdin even on a terminal
  std::optional<std::string> callback_url;  // "-" = read stdin
  std::optional<std::string> auth_code;     // "-" = read stdin
  std::map<std::string, std::string> plugin_options;  // the provider's own --flags
  // Set by callers that need credentials afterwards (auth-test --login): a login left pending
  // (URL printed, to be finished later) is a failure, not success.
  bool require_complete = false;
};

struct LogoutOptions {
  std::string provider;
};

struct AuthRefreshOptions {
  std::string provider;
};

struct TrustOptions {
  std::string action;  // list | add | revoke
  std::string source_id;
  std::string path;
};

struct RunOptions {
  std::string prompt;
  bool ndjson = false;
  std::vector<std::string> allow_tools;
};

struct AuthTestOptions {
  bool login = false;
  bool all_configured = false;
  bool no_tool_smoke = false;
  bool no_smoke = false;
  std::optional<std::string> output;
};

// `jcode provider add NAME …`: a named Chat Completions API profile in config.toml.
struct ProviderAddOptions {
  std::string name;
  std::string base_url;                 // --base-url / --api-base
  std::string model;                    // -m / --model
  std::optional<int64_t> context_window;
  std::string api_key_env;              // --api-key-env NAME: the key stays in that variable
  std::optional<std::string> api_key;   // --api-key VALUE: refused (argv is visible to every user)
  bool api_key_stdin = false;
  bool no_api_key = false;
  std::string auth;                     // bearer | api-key | none
  std::string auth_header;
  std::string env_file;
  bool set_default = false;
  bool overwrite = false;
  bool provider_routing = false;
  bool model_catalog = false;
};

}  // namespace jcode::cli
