// GitHub device authorization grant (RFC 8628 as GitHub implements it), the GitHub user API
// and the Copilot token exchange.
#include "modules.hpp"

namespace jemu {

namespace {

const char* const kDeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

// GitHub answers form-encoded unless the client asks for JSON.
Response github_answer(const Request& req, int status, const json& body) {
  if (req.header("Accept").find("application/json") != std::string::npos) return Response::json(status, body);
  std::vector<std::pair<std::string, std::string>> kv;
  for (auto& [k, v] : body.items()) kv.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  return Response::text(status, build_query(kv), "application/x-www-form-urlencoded; charset=utf-8");
}

Response github_error(const Request& req, const std::string& code, const std::string& desc, json extra = json::object()) {
  extra["error"] = code;
  extra["error_description"] = desc;
  extra["error_uri"] = "https://docs.github.com/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow";
  return github_answer(req, 200, extra);  // GitHub reports device-flow errors with HTTP 200
}

std::map<std::string, std::string> params_of(const Request& req) {
  std::map<std::string, std::string> p;
  for (const auto& [k, v] : req.query) p[k] = v;
  if (req.media_type() == "application/json") {
    if (auto j = parse_json_object(req.body))
      for (auto& [k, v] : j->items())
        if (v.is_string()) p[k] = v.get<std::string>();
  } else {
    for (const auto& [k, v] : parse_form(req.body)) p[k] = v;
  }
  return p;
}

std::string user_code() {
  static const char* alphabet = "BCDFGHJKLMNPQRSTVWXZ0123456789";
  std::string hex = random_hex(8), out;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == 4) out.push_back('-');
    out.push_back(alphabet[static_cast<unsigned char>(hex[i * 2]) % 30]);
  }
  return out;
}

Response device_code(State& st, const Request& req) {
  auto p = params_of(req);
  std::lock_guard lk(st.mu);
  auto cit = st.clients.find(p["client_id"]);
  if (cit == st.clients.end() || cit->second.provider != "github")
    return github_answer(req, 401, {{"error", "incorrect_client_credentials"},
                                    {"error_description", "The client_id is not valid."}});
  DeviceCode d;
  d.device_code = random_hex(20);
  do {
    d.user_code = user_code();
  } while (std::any_of(st.devices.begin(), st.devices.end(),
                       [&](const auto& kv) { return kv.second.user_code == d.user_code; }));
  d.client_id = p["client_id"];
  d.scope = p.count("scope") ? p["scope"] : cit->second.default_scope;
  d.interval = st.config.device_interval_s;
  d.expires_at = st.now() + st.config.device_expires_in_s;
  st.devices[d.device_code] = d;
  return github_answer(req, 200, {{"device_code", d.device_code},
                                  {"user_code", d.user_code},
                                  {"verification_uri", "https://github.com/login/device"},
                                  {"expires_in", st.config.device_expires_in_s},
                                  {"interval", d.interval}});
}

Response access_token(State& st, const Request& req) {
  auto p = params_of(req);
  std::lock_guard lk(st.mu);
  if (p["grant_type"] != kDeviceGrant)
    return github_error(req, "unsupported_grant_type", "The grant type must be " + std::string(kDeviceGrant) + ".");
  auto it = st.devices.find(p["device_code"]);
  if (it == st.devices.end()) return github_error(req, "incorrect_device_code", "The device_code provided is not valid.");
  DeviceCode& d = it->second;
  if (d.client_id != p["client_id"])
    return github_error(req, "incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
  if (d.status == DeviceCode::Status::Consumed)
    return github_error(req, "incorrect_device_code", "The device_code has already been used.");
  if (st.now() >= d.expires_at) return github_error(req, "expired_token", "The device_code has expired.");
  if (d.status == DeviceCode::Status::Denied)
    return github_error(req, "access_denied", "The authorization request was denied.");
  const std::int64_t now_ms = st.now_ms();
  const bool too_fast = d.last_poll_ms >= 0 && now_ms - d.last_poll_ms < static_cast<std::int64_t>(d.interval) * 1000;
  d.last_poll_ms = now_ms;
  d.polls++;
  if (too_fast) {
    d.interval += 5;  // RFC 8628 §3.5: every slow_down adds 5 seconds
    return github_error(req, "slow_down", "Too many requests have been made in the same timeframe.",
                        {{"interval", d.interval}});
  }
  if (d.status == DeviceCode::Status::Pending) {
    if (st.config.auto_approve) d.status = DeviceCode::Status::Approved;  // after this first poll
    return github_error(req, "authorization_pending", "The authorization request is still pending.");
  }
  d.status = DeviceCode::Status::Consumed;
  Grant& g = st.new_grant("github", d.client_id, d.scope);
  TokenIssue t = st.issue(g, TokenStyle::GitHub, false);
  return github_answer(req, 200, {{"access_token", t.access_token}, {"token_type", "bearer"}, {"scope", d.scope}});
}

// "Authorization: token X" or "Bearer X".
std::string github_token(const Request& req) {
  std::string auth = req.header("Authorization");
  for (const char* scheme : {"token ", "bearer "})
    if (to_lower(auth).rfind(scheme, 0) == 0) return trim(auth.substr(std::string(scheme).size()));
  return {};
}

Response bad_credentials() {
  return Response::json(401, {{"message", "Bad credentials"},
                              {"documentation_url", "https://docs.github.com/rest"},
                              {"status", "401"}});
}

Response github_user(State& st, const Request& req) {
  std::lock_guard lk(st.mu);
  const AccessToken* at = st.valid_access(github_token(req), {"github"});
  if (!at) return bad_credentials();
  const Grant& g = st.grants.at(at->grant_id);
  return Response::json(200, {{"login", g.account_id}, {"id", 1}, {"type", "User"}, {"name", "Emulator User"},
                              {"email", g.email}});
}

Response copilot_token(State& st, const Request& req) {
  std::lock_guard lk(st.mu);
  if (!st.valid_access(github_token(req), {"github"})) return bad_credentials();
  const int ttl = std::min(1800, st.config.access_token_ttl_s);
  const std::int64_t exp = st.now() + ttl;
  const std::string token = "tid=" + random_hex(16) + ";exp=" + std::to_string(exp) +
                            ";sku=copilot_for_individual;proxy-ep=proxy.individual.githubcopilot.com;8kp=1:" +
                            random_hex(32);
  st.add_access_token("copilot", token, exp);
  return Response::json(200, {{"token", token},
                              {"expires_at", exp},
                              {"refresh_in", std::max(0, ttl - 300)},
                              {"sku", "copilot_for_individual"},
                              {"chat_enabled", true},
                              {"endpoints",
                               {{"api", "https://api.githubcopilot.com"},
                                {"proxy", "https://proxy.individual.githubcopilot.com"}}}});
}

}  // namespace

void register_device_github(Router& r, State& st) {
  r.add_exact("POST", "/github.com/login/device/code", [&st](const Request& req) { return device_code(st, req); });
  r.add_exact("POST", "/github.com/login/oauth/access_token",
              [&st](const Request& req) { return access_token(st, req); });
  r.add_exact("GET", "/api.github.com/user", [&st](const Request& req) { return github_user(st, req); });
  r.add_exact("GET", "/api.github.com/copilot_internal/v2/token",
              [&st](const Request& req) { return copilot_token(st, req); });
}

}  // namespace jemu
