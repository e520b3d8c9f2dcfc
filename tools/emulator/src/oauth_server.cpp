// OAuth 2.0 authorization servers (authorization code + PKCE, refresh rotation, revocation)
// for Claude, OpenAI and a generic, configurable server. RFC 6749, 7636, 7009, 8252, 9700.
#include <sstream>

#include "modules.hpp"

namespace jemu {

namespace {

enum class BodyFormat {
  Json,                // Claude: JSON only
  FormJsonRefresh,     // OpenAI: form; refresh also as JSON (what Codex really sends)
  Any                  // generic: form or JSON
};

struct Endpoint {
  std::string provider;
  std::vector<std::string> authorize_paths;
  std::string token_path;
  std::string revoke_path;
  BodyFormat format;
  TokenStyle style;
};

const std::vector<Endpoint>& endpoints() {
  static const std::vector<Endpoint> eps{
      {"claude",
       {"/claude.com/cai/oauth/authorize", "/platform.claude.com/oauth/authorize"},
       "/platform.claude.com/v1/oauth/token",
       "/platform.claude.com/v1/oauth/revoke",
       BodyFormat::Json,
       TokenStyle::Claude},
      {"openai",
       {"/auth.openai.com/oauth/authorize"},
       "/auth.openai.com/oauth/token",
       "/auth.openai.com/oauth/revoke",
       BodyFormat::FormJsonRefresh,
       TokenStyle::OpenAI},
      {"generic",
       {"/oauth.example.com/authorize"},
       "/oauth.example.com/token",
       "/oauth.example.com/revoke",
       BodyFormat::Any,
       TokenStyle::Generic},
  };
  return eps;
}

bool is_loopback_host(const std::string& h) { return h == "localhost" || h == "127.0.0.1" || h == "[::1]"; }

// Exact match, or RFC 8252 §7.3: a loopback http redirect matches with any port.
bool redirect_matches(const std::string& registered, const std::string& candidate) {
  if (registered == candidate) return true;
  auto r = parse_url(registered);
  auto c = parse_url(candidate);
  if (!r || !c || c->has_fragment) return false;
  if (r->scheme != "http" || !is_loopback_host(r->host)) return false;
  return c->scheme == "http" && c->host == r->host && c->path == r->path && c->query == r->query;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string with_query(const std::string& base, const std::vector<std::pair<std::string, std::string>>& kv) {
  return base + (base.find('?') == std::string::npos ? "?" : "&") + build_query(kv);
}

std::string first(const ParamMap& p, const std::string& k, bool* present = nullptr) {
  auto it = p.find(k);
  if (present) *present = it != p.end();
  return it == p.end() ? std::string() : it->second;
}

// Token-endpoint parameters, from a JSON or form body depending on the provider.
struct TokenParams {
  std::map<std::string, std::string> v;
  bool json = false;
  std::string get(const std::string& k) const {
    auto it = v.find(k);
    return it == v.end() ? std::string() : it->second;
  }
  bool has(const std::string& k) const { return v.count(k) > 0; }
};

std::optional<TokenParams> read_params(const Request& req, BodyFormat fmt, std::string* err) {
  TokenParams p;
  const std::string mt = req.media_type();
  if (mt == "application/json") {
    auto j = parse_json_object(req.body);
    if (!j) {
      *err = "Invalid request format: body is not a JSON object";
      return std::nullopt;
    }
    for (auto& [k, val] : j->items()) {
      if (val.is_string())
        p.v[k] = val.get<std::string>();
      else if (val.is_number_integer())
        p.v[k] = std::to_string(val.get<long long>());
      else if (!val.is_null()) {
        *err = "Invalid request format: parameter '" + k + "' must be a string";
        return std::nullopt;
      }
    }
    p.json = true;
  } else if (mt == "application/x-www-form-urlencoded") {
    p.v = parse_form(req.body);
  } else {
    *err = "Invalid request format: unsupported Content-Type '" + req.header("Content-Type") + "'";
    return std::nullopt;
  }
  if (fmt == BodyFormat::Json && !p.json) {
    *err = "Invalid request format: this token endpoint expects a JSON body";
    return std::nullopt;
  }
  if (fmt == BodyFormat::FormJsonRefresh && p.json && p.get("grant_type") != "refresh_token") {
    *err = "Invalid request format: authorization_code exchanges must be form-encoded";
    return std::nullopt;
  }
  return p;
}

json token_body(const State& st, const Grant& g, const TokenIssue& t, const std::string& scope) {
  json out = {{"access_token", t.access_token},
              {"token_type", "Bearer"},
              {"expires_in", t.expires_in},
              {"scope", scope}};
  if (!t.refresh_token.empty()) out["refresh_token"] = t.refresh_token;
  if (!t.id_token.empty()) out["id_token"] = t.id_token;
  if (g.provider == "claude") {
    out["account"] = {{"uuid", g.account_id}, {"email_address", g.email}};
    out["organization"] = {{"uuid", "org-" + g.account_id.substr(0, 8)}, {"name", "Emulator Org"}};
  }
  (void)st;
  return out;
}

// Client authentication: client_id in the body or HTTP Basic; secret required for confidential clients.
const OAuthClient* authenticate_client(const State& st, const std::string& provider, const Request& req,
                                       const TokenParams& p, std::string* client_id_out, Response* error) {
  std::string cid = p.get("client_id");
  std::string secret = p.get("client_secret");
  std::string auth = req.header("Authorization");
  if (auth.size() > 6 && to_lower(auth.substr(0, 6)) == "basic ") {
    std::string b64 = trim(auth.substr(6));
    for (auto& ch : b64) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
    auto dec = base64url_decode(b64);
    if (dec) {
      auto colon = dec->find(':');
      cid = url_decode(dec->substr(0, colon), true);
      secret = colon == std::string::npos ? "" : url_decode(dec->substr(colon + 1), true);
    }
  }
  *client_id_out = cid;
  if (cid.empty()) {
    *error = oauth_error(400, "invalid_request", "client_id is required");
    return nullptr;
  }
  auto it = st.clients.find(cid);
  if (it == st.clients.end() || it->second.provider != provider) {
    *error = oauth_error(401, "invalid_client", "Client authentication failed: unknown client_id");
    return nullptr;
  }
  if (!it->second.client_secret.empty() && it->second.client_secret != secret) {
    *error = oauth_error(401, "invalid_client", "Client authentication failed: bad client_secret");
    return nullptr;
  }
  return &it->second;
}

Response token_endpoint(State& st, const Endpoint& ep, const Request& req) {
  std::string err;
  auto params = read_params(req, ep.format, &err);
  if (!params) return oauth_error(400, "invalid_request", err);
  const TokenParams& p = *params;
  std::lock_guard lk(st.mu);
  std::string client_id;
  Response error;
  const OAuthClient* client = authenticate_client(st, ep.provider, req, p, &client_id, &error);
  if (!client) return error;
  const std::string grant_type = p.get("grant_type");
  if (grant_type.empty()) return oauth_error(400, "invalid_request", "grant_type is required");

  if (grant_type == "authorization_code") {
    for (const char* k : {"code", "redirect_uri", "code_verifier"})
      if (p.get(k).empty()) return oauth_error(400, "invalid_request", std::string(k) + " is required");
    auto it = st.codes.find(p.get("code"));
    if (it == st.codes.end() || it->second.provider != ep.provider)
      return oauth_error(400, "invalid_grant", "Invalid authorization code");
    AuthCode& code = it->second;
    if (code.used) {
      // RFC 6749 §4.1.2 / RFC 9700: a replayed code revokes what was issued from it.
      st.revoke_grant(code.grant_id);
      return oauth_error(400, "invalid_grant",
                         "Authorization code already used; tokens issued from it have been revoked");
    }
    if (st.now() >= code.expires_at) return oauth_error(400, "invalid_grant", "Authorization code expired");
    if (code.client_id != client_id)
      return oauth_error(400, "invalid_grant", "Authorization code was issued to another client");
    if (code.redirect_uri != p.get("redirect_uri"))
      return oauth_error(400, "invalid_grant", "redirect_uri does not match the authorization request");
    const std::string verifier = p.get("code_verifier");
    if (!pkce_verifier_well_formed(verifier))
      return oauth_error(400, "invalid_grant", "code_verifier must be 43-128 characters of [A-Za-z0-9-._~]");
    if (pkce_s256(verifier) != code.challenge)
      return oauth_error(400, "invalid_grant", "PKCE verification failed: code_verifier does not match");
    if (p.has("state") && p.get("state") != code.state)
      return oauth_error(400, "invalid_grant", "state does not match the authorization request");
    code.used = true;
    Grant& g = st.new_grant(ep.provider, client_id, code.scope);
    code.grant_id = g.id;
    TokenIssue t = st.issue(g, ep.style, true);
    Response r = Response::json(200, token_body(st, g, t, g.scope));
    r.headers.emplace("Cache-Control", "no-store");
    return r;
  }

  if (grant_type == "refresh_token") {
    const std::string rt = p.get("refresh_token");
    if (rt.empty()) return oauth_error(400, "invalid_request", "refresh_token is required");
    auto it = st.refresh_tokens.find(rt);
    if (it == st.refresh_tokens.end()) return oauth_error(400, "invalid_grant", "Invalid refresh token");
    auto git = st.grants.find(it->second.grant_id);
    if (git == st.grants.end() || git->second.provider != ep.provider)
      return oauth_error(400, "invalid_grant", "Invalid refresh token");
    Grant& g = git->second;
    if (g.client_id != client_id)
      return oauth_error(400, "invalid_grant", "Refresh token was issued to another client");
    if (it->second.rotated) {
      // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the whole grant.
      st.revoke_grant(g.id);
      return oauth_error(400, "invalid_grant", "Refresh token reuse detected; the grant has been revoked");
    }
    if (g.revoked) return oauth_error(400, "invalid_grant", "Refresh token has been revoked");
    std::string scope = g.scope;
    if (p.has("scope") && !p.get("scope").empty()) {
      const auto granted = split_ws(g.scope);
      for (const auto& sc : split_ws(p.get("scope")))
        if (std::find(granted.begin(), granted.end(), sc) == granted.end())
          return oauth_error(400, "invalid_scope", "The requested scope is invalid: '" + sc + "' was not granted");
      scope = p.get("scope");
    }
    TokenIssue t = st.issue(g, ep.style, true);
    Response r = Response::json(200, token_body(st, g, t, scope));
    r.headers.emplace("Cache-Control", "no-store");
    return r;
  }
  return oauth_error(400, "unsupported_grant_type", "Unsupported grant_type '" + grant_type + "'");
}

Response revoke_endpoint(State& st, const Endpoint& ep, const Request& req) {
  std::string err;
  auto params = read_params(req, BodyFormat::Any, &err);
  if (!params) return oauth_error(400, "invalid_request", err);
  const std::string token = params->get("token");
  if (token.empty()) return oauth_error(400, "invalid_request", "token is required");
  std::lock_guard lk(st.mu);
  if (auto it = st.refresh_tokens.find(token); it != st.refresh_tokens.end()) {
    auto g = st.grants.find(it->second.grant_id);
    if (g != st.grants.end() && g->second.provider == ep.provider) st.revoke_grant(g->first);
  } else if (auto at = st.access_tokens.find(token); at != st.access_tokens.end()) {
    if (at->second.provider == ep.provider) at->second.revoked = true;
  }
  return Response::json(200, json::object());  // RFC 7009 §2.2: 200 even for unknown tokens
}

std::string consent_page(const std::string& action, const ParamMap& params, const std::string& provider) {
  std::ostringstream h;
  h << "<!doctype html><html><head><title>jcode-emulator: authorize</title></head><body>"
    << "<h1>Authorize " << html_escape(first(params, "client_id")) << " (" << html_escape(provider) << ")</h1>"
    << "<p>Scope: " << html_escape(first(params, "scope")) << "</p><form method=\"post\" action=\""
    << html_escape(action) << "\">";
  for (const auto& [k, v] : params)
    h << "<input type=\"hidden\" name=\"" << html_escape(k) << "\" value=\"" << html_escape(v) << "\">";
  h << "<button name=\"decision\" value=\"allow\">Approve</button>"
    << "<button name=\"decision\" value=\"deny\">Deny</button></form></body></html>";
  return h.str();
}

Response authorize_response(State& st, const std::string& provider, const Request& req, const ParamMap& params,
                            const std::string& decision) {
  AuthorizeOutcome o = run_authorize(st, provider, params, decision);
  if (o.status == 302) return Response::redirect(o.location);
  if (o.status == 200)
    return Response::text(200, consent_page(req.path, params, provider), "text/html; charset=utf-8");
  return Response::text(o.status,
                        "<!doctype html><html><body><h1>Authorization error</h1><p>" + html_escape(o.error) + ": " +
                            html_escape(o.error_description) + "</p></body></html>",
                        "text/html; charset=utf-8");
}

}  // namespace

std::string provider_for_authorize_path(const std::string& path) {
  for (const auto& ep : endpoints())
    for (const auto& p : ep.authorize_paths)
      if (p == path) return ep.provider;
  return {};
}

AuthorizeOutcome run_authorize(State& st, const std::string& provider, const ParamMap& params,
                               const std::string& decision) {
  AuthorizeOutcome o;
  o.provider = provider;
  std::lock_guard lk(st.mu);
  auto fail_page = [&](const std::string& code, const std::string& desc) {
    o.status = 400;
    o.error = code;
    o.error_description = desc;
    return o;
  };
  const std::string client_id = first(params, "client_id");
  if (client_id.empty()) return fail_page("invalid_request", "client_id is required");
  auto cit = st.clients.find(client_id);
  if (cit == st.clients.end() || cit->second.provider != provider)
    return fail_page("invalid_client", "Unknown client_id '" + client_id + "'");
  const OAuthClient& client = cit->second;
  const std::string redirect_uri = first(params, "redirect_uri");
  if (redirect_uri.empty()) return fail_page("invalid_request", "redirect_uri is required");
  bool registered = false;
  for (const auto& r : client.redirect_uris) registered = registered || redirect_matches(r, redirect_uri);
  if (!registered) return fail_page("invalid_request", "redirect_uri '" + redirect_uri + "' is not registered");

  bool has_state = false;
  const std::string state = first(params, "state", &has_state);
  o.state = state;
  // From here on errors go back to the client (RFC 6749 §4.1.2.1).
  auto fail_redirect = [&](const std::string& code, const std::string& desc) {
    o.status = 302;
    o.error = code;
    o.error_description = desc;
    std::vector<std::pair<std::string, std::string>> kv{{"error", code}, {"error_description", desc}};
    if (has_state) kv.emplace_back("state", state);
    o.location = with_query(redirect_uri, kv);
    return o;
  };
  if (first(params, "response_type") != "code")
    return fail_redirect("unsupported_response_type", "response_type must be 'code'");
  const std::string challenge = first(params, "code_challenge");
  if (challenge.empty()) return fail_redirect("invalid_request", "code_challenge is required (PKCE)");
  const std::string method = first(params, "code_challenge_method");
  if (method != "S256")
    return fail_redirect("invalid_request", method.empty() || method == "plain"
                                                ? "code_challenge_method must be S256 (plain is not allowed)"
                                                : "transform algorithm not supported");
  if (!pkce_challenge_well_formed(challenge))
    return fail_redirect("invalid_request", "code_challenge must be 43 base64url characters");
  std::string scope = first(params, "scope");
  if (scope.empty()) scope = client.default_scope;
  if (!client.scopes.empty())
    for (const auto& sc : split_ws(scope))
      if (!client.scopes.count(sc)) return fail_redirect("invalid_scope", "Unknown scope '" + sc + "'");
  if (decision == "deny") return fail_redirect("access_denied", "The user denied the request");
  if (decision.empty() && !st.config.auto_approve) {
    o.status = 200;
    return o;
  }
  AuthCode code;
  code.provider = provider;
  code.client_id = client_id;
  code.redirect_uri = redirect_uri;
  code.challenge = challenge;
  code.scope = scope;
  code.state = state;
  code.expires_at = st.now() + st.config.code_ttl_s;
  o.code = random_alnum(48);
  st.codes[o.code] = code;
  std::vector<std::pair<std::string, std::string>> kv{{"code", o.code}};
  if (has_state) kv.emplace_back("state", state);
  o.location = with_query(redirect_uri, kv);
  o.status = 302;
  return o;
}

void register_oauth(Router& r, State& st) {
  for (const auto& ep : endpoints()) {
    for (const auto& path : ep.authorize_paths) {
      const std::string provider = ep.provider;
      r.add_exact("GET", path, [&st, provider](const Request& req) {
        return authorize_response(st, provider, req, req.query, "");
      });
      // The consent page's form posts here.
      r.add_exact("POST", path, [&st, provider](const Request& req) {
        ParamMap params;
        for (const auto& [k, v] : parse_form(req.body))
          if (k != "decision") params.emplace(k, v);
        std::string decision = parse_form(req.body)["decision"];
        if (decision != "allow" && decision != "deny")
          return Response::text(400, "decision must be allow or deny");
        return authorize_response(st, provider, req, params, decision);
      });
    }
    r.add_exact("POST", ep.token_path, [&st, &ep](const Request& req) { return token_endpoint(st, ep, req); });
    r.add_exact("POST", ep.revoke_path, [&st, &ep](const Request& req) { return revoke_endpoint(st, ep, req); });
  }
  r.add_exact("GET", "/oauth.example.com/.well-known/oauth-authorization-server", [](const Request&) {
    return Response::json(200, {{"issuer", "https://oauth.example.com"},
                                {"authorization_endpoint", "https://oauth.example.com/authorize"},
                                {"token_endpoint", "https://oauth.example.com/token"},
                                {"revocation_endpoint", "https://oauth.example.com/revoke"},
                                {"response_types_supported", {"code"}},
                                {"grant_types_supported", {"authorization_code", "refresh_token"}},
                                {"code_challenge_methods_supported", {"S256"}},
                                {"token_endpoint_auth_methods_supported",
                                 {"none", "client_secret_post", "client_secret_basic"}}});
  });
}

}  // namespace jemu
