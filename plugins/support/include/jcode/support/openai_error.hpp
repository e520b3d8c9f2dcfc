// The error bodies of OpenAI-style APIs (OpenAI, ChatGPT Codex backend, Azure OpenAI, and the
// OpenAI-compatible hosts), reduced to what a user needs to read.
#pragma once

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

}  // namespace jcode::support
