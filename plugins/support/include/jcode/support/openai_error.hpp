// The error bodies of OpenAI-style APIs (OpenAI, ChatGPT Codex backend, Azure OpenAI, and the
// OpenAI-compatible hosts), reduced to what a user needs to read.
#pragma once

#include <jcode/support/stream_send.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace jcode::support {

struct ApiError {
  std::string type;     // "invalid_request_error", "insufficient_quota"… (may be empty)
  std::string code;     // "invalid_api_key", "DeploymentNotFound"… (may be empty)
  std::string message;  // never empty: the body itself (trimmed) when it is not JSON
};

// Understands {"error":{"message","type","code"}}, {"error":"x","error_description":"y"},
// {"detail":"…"} and {"message":"…"}; anything else becomes the first 300 bytes of the body.
ApiError parse_api_error(std::string_view body);

// "type: message" / "code: message" / "message", for error lines.
std::string describe(const ApiError& e);

// How one OpenAI-style service is named in failure messages and how the user fixes them.
struct Wording {
  std::string service;        // "OpenAI", "ChatGPT", "Azure OpenAI", "Fireworks"
  std::string credential;     // "the credential", "the API key"
  std::string auth_fix;       // "check OPENAI_API_KEY, or re-run `jcode login --provider openai`"
  std::string not_found_fix;  // "check the model name and OPENAI_BASE_URL"
};

// A non-2xx answer: 401/403 → JCODE_E_AUTH_EXPIRED (the host refreshes once and retries),
// 429 → RATE_LIMITED, 404 → NOT_FOUND, else (5xx, and a 400: the service rejected what jcode
// sent, which is not a bad command line) SERVER.
Failure classify_http(int32_t http_status, std::string_view body, const Wording& w);

// An error event inside a 2xx stream: quota and rate codes → RATE_LIMITED, else SERVER.
Failure classify_stream_error(std::string_view code, std::string_view message, const Wording& w);

// The StreamRules of an OpenAI-style service.
StreamRules openai_rules(Wording w, std::string unfinished);

}  // namespace jcode::support
