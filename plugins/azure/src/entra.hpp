// A native DefaultAzureCredential-style chain for Microsoft Entra ID tokens with the scope
// https://cognitiveservices.azure.com/.default, tried in order: environment (client secret),
// workload identity (federated token file), managed identity (App Service / Functions
// IDENTITY_ENDPOINT, else the instance metadata service), Azure CLI. Every effect goes
// through EntraIo so tests drive the chain with fakes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::azure {

inline constexpr const char* kScope = "https://cognitiveservices.azure.com/.default";
inline constexpr const char* kResource = "https://cognitiveservices.azure.com";

struct HttpCall {
  std::string method, url, body;
  std::vector<std::pair<std::string, std::string>> headers;
  uint32_t timeout_ms = 0;
};
struct HttpAnswer {
  int32_t status = 0;  // 0: no answer (refused, unreachable, timed out); see error
  std::string body, error;
};
struct RunAnswer {
  bool started = false;  // false: the program is not installed or could not start
  int32_t exit_code = -1;
  std::string out, err, error;
};

struct EntraIo {
  std::function<std::optional<std::string>(std::string_view)> env;
  std::function<HttpAnswer(const HttpCall&)> http;
  std::function<RunAnswer(const std::vector<std::string>& argv, uint32_t timeout_ms)> run;
  std::function<std::optional<std::string>(const std::string& path)> read_file;
  // A URL from the environment (IDENTITY_ENDPOINT) as the host will contact it; nullopt when
  // refused. Unset: used as given.
  std::function<std::optional<std::string>(std::string_view url, std::string_view setting)> resolve_url;
  std::function<int64_t()> now_ms;
  std::string authority = "https://login.microsoftonline.com";  // + /<tenant>/oauth2/v2.0/token
  std::string imds = "http://169.254.169.254";                  // + /metadata/identity/oauth2/token
};

struct EntraToken {
  std::string access_token;
  int64_t expires_at_ms = 0;
  std::string credential;  // "environment", "workload_identity", "managed_identity", "azure_cli"
};

struct Attempt {
  std::string credential;  // as above
  std::string said;        // why it produced nothing (never a secret)
  bool refused = false;    // the directory refused a configured credential: the chain stopped
};

struct EntraResult {
  std::optional<EntraToken> token;
  std::vector<Attempt> attempts;  // the credentials tried before (and without) success
};

EntraResult acquire_entra_token(const EntraIo& io);

// The user-facing failure: what each credential said, then the spec's advice.
std::string chain_failure_message(const EntraResult& r);

// A human name for a credential id ("Azure CLI" for "azure_cli").
std::string credential_label(std::string_view id);

// `az account get-access-token -o json` output → token; error text otherwise.
std::optional<EntraToken> parse_az_output(std::string_view json, std::string* error);

}  // namespace jcode::azure
