// What an Anthropic Messages API failure means for the user and for the host: the status to
// return (which decides refresh/retry) and a message that names the fix. Pure functions.
#pragma once

#include "request_builder.hpp"

#include <jcode/plugin.h>
#include <jcode/support/stream_send.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace jcode::claude {

// Who is asking: decides the "how to fix it" part of messages.
struct ErrorContext {
  AuthMode mode = AuthMode::oauth;
  std::string provider_id = "claude";  // for `jcode login --provider <id>`
};

using support::Failure;

// The API error body {"type":"error","error":{"type","message"},"request_id"} as
// "type: message (request req_…)"; any other body as its first 300 bytes on one line.
std::string api_error_message(std::string_view body);

// Anthropic's edge answers some networks with a Cloudflare challenge page instead of JSON.
bool looks_like_cloudflare(std::string_view body);

// A non-2xx answer of POST /v1/messages (after the host's own retries of 429/5xx).
// 401 → JCODE_E_AUTH_EXPIRED (the host refreshes once and calls again), 429 →
// RATE_LIMITED, 529 (overloaded) and other 5xx → SERVER, 403 → DENIED, 400/413 → SERVER (the service rejected the request),
// 404 → NOT_FOUND (usually the model name).
Failure classify_http(int32_t http_status, std::string_view body, const ErrorContext& ctx);

// An `error` event inside a 200 stream (e.g. overloaded_error after the first bytes, which
// the host cannot retry any more).
Failure classify_stream_error(std::string_view error_type, std::string_view message, const ErrorContext& ctx);

}  // namespace jcode::claude
