#include <jcode/auth/token_endpoint.hpp>
#include <jcode/log/log.hpp>
#include <jcode/text/json.hpp>
#include <jcode/text/text.hpp>

#include <algorithm>

namespace jcode::auth {

namespace {

std::optional<int64_t> as_int(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) return static_cast<int64_t>(v.get<double>());
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (!s.empty() && s.size() < 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::stoll(s);
  }
  return std::nullopt;
}

}  // namespace

Result<TokenReply> post_token_request(const HttpFn& http, const std::string& url, model::TokenBody body,
                                      const text::FormFields& params, std::chrono::milliseconds timeout) {
  http::Request req;
  req.method = "POST";
  req.url = url;
  req.headers.push_back({"Accept", "application/json"});
  if (body == model::TokenBody::json) {
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& [k, v] : params) obj[k] = v;
    req.headers.push_back({"Content-Type", "application/json"});
    req.body = obj.dump();
  } else {
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    req.body = text::form_encode(params);
  }
  req.total_timeout = timeout;
  req.idle_timeout = timeout;
  auto resp = http(req);
  if (!resp) return resp.error();
  TokenReply reply;
  reply.status = resp->status;
  reply.body = std::move(resp->body);
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    reply.json = std::move(j);
  } else if (reply.body.find('=') != std::string::npos && reply.body.find('<') == std::string::npos) {
    // GitHub answers form-encoded unless asked for JSON; accept both.
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& [k, v] : text::form_decode(reply.body)) obj[k] = v;
    reply.json = std::move(obj);
  }
  if (reply.json.is_object()) {
    if (auto it = reply.json.find("error"); it != reply.json.end()) {
      if (it->is_string()) {
        reply.error = it->get<std::string>();
      } else if (it->is_object()) {  // {"error":{"type":..,"message":..}} (Anthropic style)
        reply.error = text::json_string(*it, "type");
        reply.error_description = text::json_string(*it, "message");
      }
    }
    if (reply.error_description.empty()) reply.error_description = text::json_string(reply.json, "error_description");
    if (auto it = reply.json.find("interval"); it != reply.json.end()) reply.interval = as_int(*it);
  }
  if (reply.error.empty() && (reply.status < 200 || reply.status >= 300))
    reply.error = "http_" + std::to_string(reply.status);
  return reply;
}

bool is_permanent_rejection(const TokenReply& r) {
  std::string text = jcode::text::ascii_lower(r.error + " " + r.error_description);
  for (const char* marker : {"invalid_grant", "refresh_token_invalidated", "refresh_token_reused",
                             "refresh token not found", "invalid refresh token", "token has been revoked",
                             "unauthorized_client"})
    if (text.find(marker) != std::string::npos) return true;
  return false;
}

Error token_error(const TokenReply& r, std::string_view what) {
  std::string msg = std::string(what) + " failed (HTTP " + std::to_string(r.status) + ")";
  if (!r.error.empty()) msg += ": " + r.error;
  // Redacted before it is cut: a cut through an echoed token would leave a fragment no rule
  // recognises.
  if (!r.error_description.empty()) msg += ": " + log::redact(r.error_description).substr(0, 240);
  int32_t status = JCODE_E_PROTOCOL;
  if (is_permanent_rejection(r))
    status = JCODE_E_AUTH_REQUIRED;
  else if (r.error == "access_denied")
    status = JCODE_E_DENIED;
  else if (r.status >= 500)
    status = JCODE_E_SERVER;
  else if (r.status == 429)
    status = JCODE_E_RATE_LIMITED;
  return Error{status, msg};
}

Result<model::Credential> map_token_response(std::string_view json, const model::Credential* previous,
                                             int64_t now_ms) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Error{JCODE_E_PROTOCOL, "the token endpoint answered something that is not a JSON object"};
  model::Credential c;
  if (previous != nullptr) c = *previous;
  c.kind = model::CredentialKind::oauth;
  c.access_token = text::json_string(j, "access_token");
  if (c.access_token.empty())
    return Error{JCODE_E_PROTOCOL, "the token endpoint answered without an access_token"};
  if (auto rt = text::json_string(j, "refresh_token"); !rt.empty()) c.refresh_token = rt;
  if (auto id = text::json_string(j, "id_token"); !id.empty()) c.id_token = id;
  c.expires_at_ms = 0;
  if (auto it = j.find("expires_in"); it != j.end())
    if (auto s = as_int(*it); s && *s > 0) c.expires_at_ms = now_ms + *s * 1000;
  return c;
}

TokenMapper default_token_mapper(NowMs now) {
  return [now = std::move(now)](std::string_view json, const model::Credential* previous) {
    return map_token_response(json, previous, now());
  };
}

}  // namespace jcode::auth
