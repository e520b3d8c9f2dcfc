#include <jcode/support/openai_error.hpp>

#include <nlohmann/json.hpp>

namespace jcode::support {
namespace {

std::string text_of(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return {};
}

}  // namespace

ApiError parse_api_error(std::string_view body) {
  ApiError e;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    auto err = j.find("error");
    if (err != j.end() && err->is_object()) {
      e.type = text_of(*err, "type");
      e.code = text_of(*err, "code");
      e.message = text_of(*err, "message");
    } else if (err != j.end() && err->is_string()) {
      e.code = err->get<std::string>();
      e.message = text_of(j, "error_description");
    } else {
      e.message = text_of(j, "detail");
      if (e.message.empty()) e.message = text_of(j, "message");
    }
  }
  if (e.message.empty()) {
    std::string_view trimmed = body.substr(0, 300);
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == ' '))
      trimmed.remove_suffix(1);
    e.message = trimmed.empty() ? std::string(e.code.empty() ? "(empty body)" : e.code) : std::string(trimmed);
  }
  return e;
}

std::string describe(const ApiError& e) {
  const std::string& label = !e.code.empty() ? e.code : e.type;
  if (label.empty() || e.message == label) return e.message;
  return label + ": " + e.message;
}

Failure classify_http(int32_t http_status, std::string_view body, const Wording& w) {
  const std::string detail = describe(parse_api_error(body));
  const std::string code = std::to_string(http_status);
  if (http_status == 401 || http_status == 403)
    return {JCODE_E_AUTH_EXPIRED, w.service + " refused " + w.credential + " (" + code + ": " + detail + "); " + w.auth_fix};
  if (http_status == 429) return {JCODE_E_RATE_LIMITED, w.service + " rate or usage limit (429): " + detail};
  if (http_status >= 500) return {JCODE_E_SERVER, w.service + " service error (" + code + "): " + detail};
  if (http_status == 404) return {JCODE_E_NOT_FOUND, w.service + " answered 404 (" + detail + "); " + w.not_found_fix};
  return {JCODE_E_SERVER, w.service + " rejected the request (" + code + "): " + detail};
}

Failure classify_stream_error(std::string_view code, std::string_view message, const Wording& w) {
  const bool limited = code == "rate_limit_exceeded" || code == "usage_limit_reached" || code == "insufficient_quota";
  return {limited ? JCODE_E_RATE_LIMITED : JCODE_E_SERVER,
          w.service + " stream error: " + (code.empty() ? "" : std::string(code) + ": ") + std::string(message)};
}

StreamRules openai_rules(Wording w, std::string unfinished) {
  StreamRules r;
  r.http_failure = [w](int32_t status, const std::string& body) { return classify_http(status, body, w); };
  r.stream_failure = [w](std::string_view code, std::string_view message) {
    return classify_stream_error(code, message, w);
  };
  r.unfinished = std::move(unfinished);
  return r;
}

}  // namespace jcode::support
