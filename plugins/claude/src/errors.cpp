#include "errors.hpp"

#include <nlohmann/json.hpp>

namespace jcode::claude {
namespace {

std::string login_hint(const ErrorContext& ctx) {
  if (ctx.mode == AuthMode::api_key)
    return "check ANTHROPIC_API_KEY (or ~/.config/jcode/anthropic.env), or run `jcode login --provider " +
           ctx.provider_id + "`";
  return "run `jcode login --provider " + ctx.provider_id + "`";
}

// Cuts at a byte budget without splitting a UTF-8 sequence; newlines become spaces so the
// message stays one line.
std::string one_line_prefix(std::string_view s, size_t budget) {
  size_t n = s.size() <= budget ? s.size() : budget;
  if (n < s.size())
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0u) == 0x80u) --n;
  std::string out(s.substr(0, n));
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (n < s.size()) out += "…";
  return out;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

}  // namespace

std::string api_error_message(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    std::string type = e.contains("type") && e["type"].is_string() ? e["type"].get<std::string>() : "";
    std::string msg = e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
    if (!msg.empty() || !type.empty()) {
      std::string out = type.empty() ? msg : msg.empty() ? type : type + ": " + msg;
      if (j.contains("request_id") && j["request_id"].is_string())
        out += " (request " + j["request_id"].get<std::string>() + ")";
      return out;
    }
  }
  std::string trimmed = one_line_prefix(body, 300);
  return trimmed.empty() ? "(empty body)" : trimmed;
}

bool looks_like_cloudflare(std::string_view body) {
  return contains(body, "cf-challenge") || contains(body, "Just a moment") || contains(body, "just a moment") ||
         contains(body, "/cdn-cgi/challenge-platform") || contains(body, "cloudflare");
}

Failure classify_http(int32_t http_status, std::string_view body, const ErrorContext& ctx) {
  const std::string code = std::to_string(http_status);
  const std::string who = ctx.mode == AuthMode::oauth ? "Claude" : "The Anthropic API";
  if (http_status == 401) {
    std::string what = ctx.mode == AuthMode::oauth ? "the Claude credential" : "the API key";
    return {JCODE_E_AUTH_EXPIRED,
            who + " refused " + what + " (401: " + api_error_message(body) + "); " + login_hint(ctx)};
  }
  if (http_status == 403 && looks_like_cloudflare(body))
    return {JCODE_E_DENIED,
            "Anthropic's edge (Cloudflare) blocked the request (403); switch network or VPN exit IP and retry"};
  if (http_status == 403)
    return {JCODE_E_DENIED, who + " denied the request (403: " + api_error_message(body) + "); " + login_hint(ctx)};
  if (http_status == 429)
    return {JCODE_E_RATE_LIMITED, who + " rate limit (429): " + api_error_message(body) + "; wait and retry"};
  if (http_status == 529)
    return {JCODE_E_SERVER, who + " is overloaded (529): " + api_error_message(body) + "; retry in a moment"};
  if (http_status >= 500)
    return {JCODE_E_SERVER, who + " service error (" + code + "): " + api_error_message(body)};
  if (http_status == 404)
    return {JCODE_E_NOT_FOUND, who + " answered 404 (" + api_error_message(body) + "); check the model name"};
  // The service rejected what jcode sent: exit 4 like other service answers, not a bad
  // command line (exit 2).
  if (http_status == 400 || http_status == 413)
    return {JCODE_E_SERVER, who + " rejected the request (" + code + "): " + api_error_message(body)};
  return {JCODE_E_SERVER, who + " answered an unexpected HTTP " + code + ": " + api_error_message(body)};
}

Failure classify_stream_error(std::string_view error_type, std::string_view message, const ErrorContext& ctx) {
  const std::string who = ctx.mode == AuthMode::oauth ? "Claude" : "The Anthropic API";
  std::string detail = error_type.empty() ? std::string(message) : std::string(error_type) + ": " + std::string(message);
  if (error_type == "overloaded_error")
    return {JCODE_E_SERVER, who + " is overloaded (stream error " + detail + "); retry in a moment"};
  if (error_type == "rate_limit_error") return {JCODE_E_RATE_LIMITED, who + " rate limit (stream error " + detail + ")"};
  if (error_type == "authentication_error")
    return {JCODE_E_AUTH_EXPIRED, who + " refused the credential (stream error " + detail + "); " + login_hint(ctx)};
  if (error_type == "permission_error") return {JCODE_E_DENIED, who + " denied the request (stream error " + detail + ")"};
  if (error_type == "invalid_request_error")
    return {JCODE_E_SERVER, who + " rejected the request (stream error " + detail + ")"};
  return {JCODE_E_SERVER, who + " stream error: " + detail};
}

}  // namespace jcode::claude
