// Google stand-ins: the OAuth server (accounts.google.com authorize, oauth2.googleapis.com
// token/revoke, userinfo v1/v2, the codeassist.google.com/authcode page), Gemini Code Assist
// (cloudcode-pa v1internal: loadCodeAssist, onboardUser with its long-running operation,
// streamGenerateContent), the Gemini API with x-goog-api-key, and the Gmail profile.
// Strict where Google is: PKCE S256 required, the client secret checked, a refresh token only
// for access_type=offline&prompt=consent, refresh without rotation, registered redirects only,
// JSON-Schema-only keys in function declarations refused, functionResponses must answer calls.
#include <mutex>
#include <set>

#include "modules.hpp"
#include "scripted_model.hpp"
#include "sse.hpp"

namespace jemu {

namespace {

struct GoogleClient {
  std::string product;  // "gemini", "antigravity", "gmail": names the token provider google-<product>
  std::string id, secret;
  std::vector<std::string> redirects;  // loopback ones match any port (RFC 8252)
  std::set<std::string> scopes;
};

const std::string kScopeBase = "https://www.googleapis.com/auth/";

const std::vector<GoogleClient>& clients() {
  static const std::vector<GoogleClient> c{
      {"gemini",
       "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com",
       "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",
       {"http://127.0.0.1/oauth2callback", "http://localhost/oauth2callback", "https://codeassist.google.com/authcode"},
       {kScopeBase + "cloud-platform", kScopeBase + "userinfo.email", kScopeBase + "userinfo.profile", "openid"}},
      // A second Gemini client, as a user's own (GEMINI_CLIENT_ID / GEMINI_CLIENT_SECRET).
      {"gemini",
       "emulator-own-gemini-client.apps.googleusercontent.com",
       "GOCSPX-emulator-own-gemini-secret",
       {"http://127.0.0.1/oauth2callback", "https://codeassist.google.com/authcode"},
       {kScopeBase + "cloud-platform", kScopeBase + "userinfo.email", kScopeBase + "userinfo.profile", "openid"}},
      {"antigravity",
       "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com",
       "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",
       {"http://127.0.0.1:51121/oauth-callback", "http://localhost:51121/oauth-callback"},
       {kScopeBase + "cloud-platform", kScopeBase + "userinfo.email", kScopeBase + "userinfo.profile",
        kScopeBase + "cclog", kScopeBase + "experimentsandconfigs", "openid"}},
      // A user's own Antigravity client (JCODE_ANTIGRAVITY_CLIENT_ID / _SECRET).
      {"antigravity",
       "emulator-own-antigravity-client.apps.googleusercontent.com",
       "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ret",
       {"http://127.0.0.1:51121/oauth-callback"},
       {kScopeBase + "cloud-platform", kScopeBase + "userinfo.email", kScopeBase + "userinfo.profile",
        kScopeBase + "cclog", kScopeBase + "experimentsandconfigs", "openid"}},
      // The Cloud console client a user creates for Gmail (google has no built-in client).
      {"gmail",
       "emulator-gmail-client.apps.googleusercontent.com",
       "GOCSPX-emulator-gmail-secret",
       {"http://127.0.0.1/", "http://127.0.0.1", "http://localhost/"},
       {"https://mail.google.com/", kScopeBase + "gmail.readonly", kScopeBase + "gmail.compose",
        kScopeBase + "gmail.send", kScopeBase + "gmail.modify", kScopeBase + "userinfo.email", "openid"}},
  };
  return c;
}

const GoogleClient* find_client(const std::string& id) {
  for (const auto& c : clients())
    if (c.id == id) return &c;
  return nullptr;
}

bool loopback(const std::string& h) { return h == "127.0.0.1" || h == "localhost"; }

bool redirect_ok(const GoogleClient& c, const std::string& candidate) {
  auto u = parse_url(candidate);
  if (!u || u->has_fragment) return false;
  for (const auto& r : c.redirects) {
    if (r == candidate) return true;
    auto reg = parse_url(r);
    if (!reg || reg->scheme != "http" || !loopback(reg->host)) continue;
    // A registered fixed port must match; a registered port-less loopback URI allows any port.
    if (reg->port != -1 && reg->port != u->port) continue;
    std::string rp = reg->path.empty() ? "/" : reg->path, cp = u->path.empty() ? "/" : u->path;
    if (u->scheme == "http" && u->host == reg->host && rp == cp) return true;
  }
  return false;
}

// Google's JSON error envelope.
Response g_error(int status, const std::string& message, const std::string& code_status, const json& details = nullptr) {
  json e = {{"code", status}, {"message", message}, {"status", code_status}};
  if (!details.is_null()) e["details"] = details;
  return Response::json(status, {{"error", e}});
}

struct PendingCode {
  const GoogleClient* client = nullptr;
  std::string redirect_uri, challenge, scope;
  bool offline = false;
  std::int64_t expires_at = 0;
  bool used = false;
};

struct Operation {
  int polls_left = 0;
  std::string project;
};

// Module state (guarded by State::mu); the Code Assist account mode is set through
// POST /_emulator/google/code-assist.
struct GoogleState {
  std::map<std::string, PendingCode> codes;
  std::string mode = "free";  // free | onboarded | workspace | validation | ineligible | forbidden
  int onboard_polls = 1;      // operation polls before onboarding is done
  bool onboarded = false;
  std::string project = "emu-free-project-4242";
  std::map<std::string, Operation> ops;
  std::set<std::string> api_keys{"emulator-gemini-api-key"};
};

// The caller holds st.mu. A reset (or a new State at the same address) starts over.
GoogleState& gs(const State& st) {
  static std::mutex all_mu;  // guards the map only; each slot is guarded by its State's mu
  static std::map<const State*, std::pair<std::uint64_t, GoogleState>> all;
  std::lock_guard lk(all_mu);
  auto& slot = all[&st];
  if (slot.first != st.epoch) slot = {st.epoch, GoogleState{}};
  return slot.second;
}

std::string token_provider(const GoogleClient& c) { return "google-" + c.product; }

json issue(State& st, Grant& g, bool with_refresh) {
  const std::string at = "ya29.emu_" + random_alnum(64);
  const int ttl = st.config.access_token_ttl_s;
  st.add_access_token(g.provider, at, st.now() + ttl, g.id, g.account_id);
  json out = {{"access_token", at}, {"expires_in", ttl}, {"scope", g.scope}, {"token_type", "Bearer"}};
  if (with_refresh) {
    const std::string rt = "1//emu_" + random_alnum(64);
    st.refresh_tokens[rt] = RefreshRecord{g.id, false};
    g.refresh_token = rt;
    out["refresh_token"] = rt;
  }
  json claims = {{"iss", "https://accounts.google.com"}, {"aud", g.client_id}, {"sub", g.account_id},
                 {"email", g.email}, {"email_verified", true}, {"iat", st.now()}, {"exp", st.now() + 3600}};
  out["id_token"] = make_jwt(claims, st.jwt_key);
  return out;
}

Response authorize(State& st, const ParamMap& q) {
  auto get = [&q](const char* k) {
    auto it = q.find(k);
    return it == q.end() ? std::string() : it->second;
  };
  const GoogleClient* c = find_client(get("client_id"));
  auto page = [](int status, const std::string& title, const std::string& what) {
    return Response::text(status, "<!doctype html><html><body><h1>" + title + "</h1><p>" + what + "</p></body></html>",
                          "text/html; charset=utf-8");
  };
  if (c == nullptr) return page(401, "Error 401: invalid_client", "The OAuth client was not found.");
  const std::string redirect = get("redirect_uri");
  if (!redirect_ok(*c, redirect)) return page(400, "Error 400: redirect_uri_mismatch", "redirect_uri " + redirect + " is not registered");
  const std::string state = get("state");
  auto back = [&](const std::vector<std::pair<std::string, std::string>>& kv) {
    auto all = kv;
    if (q.count("state")) all.emplace_back("state", state);
    return Response::redirect(redirect + (redirect.find('?') == std::string::npos ? "?" : "&") + build_query(all));
  };
  if (get("response_type") != "code") return back({{"error", "unsupported_response_type"}});
  const std::string challenge = get("code_challenge");
  if (challenge.empty() || get("code_challenge_method") != "S256" || !pkce_challenge_well_formed(challenge))
    return page(400, "Error 400: invalid_request", "code_challenge with code_challenge_method=S256 is required");
  const std::string scope = get("scope");
  if (scope.empty()) return page(400, "Error 400: invalid_request", "Missing required parameter: scope");
  for (const auto& s : split_ws(scope))
    if (!c->scopes.count(s)) return back({{"error", "invalid_scope"}, {"error_description", "Unknown scope " + s}});
  if (!st.config.auto_approve && get("decision") != "allow") {
    if (get("decision") == "deny") return back({{"error", "access_denied"}});
    return page(200, "Choose an account", "Sign in to continue (jcode-emulator); append &decision=allow to approve.");
  }
  PendingCode pc;
  pc.client = c;
  pc.redirect_uri = redirect;
  pc.challenge = challenge;
  pc.scope = scope;
  pc.offline = get("access_type") == "offline" && get("prompt") == "consent";
  pc.expires_at = st.now() + st.config.code_ttl_s;
  const std::string code = "4/0Aemu_" + random_alnum(48);
  gs(st).codes[code] = pc;
  return back({{"code", code}, {"scope", scope}});
}

Response token(State& st, const Request& req) {
  if (req.media_type() != "application/x-www-form-urlencoded")
    return oauth_error(400, "invalid_request", "Invalid Content-Type; use application/x-www-form-urlencoded");
  auto p = parse_form(req.body);
  auto get = [&p](const char* k) { return p.count(k) ? p[k] : std::string(); };
  const GoogleClient* c = find_client(get("client_id"));
  if (c == nullptr) return oauth_error(401, "invalid_client", "The OAuth client was not found.");
  if (get("client_secret") != c->secret) return oauth_error(401, "invalid_client", "Unauthorized");
  const std::string grant = get("grant_type");
  if (grant == "authorization_code") {
    auto it = gs(st).codes.find(get("code"));
    if (it == gs(st).codes.end() || it->second.client != c) return oauth_error(400, "invalid_grant", "Malformed auth code.");
    PendingCode& pc = it->second;
    if (pc.used) return oauth_error(400, "invalid_grant", "Bad Request");
    if (st.now() >= pc.expires_at) return oauth_error(400, "invalid_grant", "Bad Request");
    if (pc.redirect_uri != get("redirect_uri")) return oauth_error(400, "redirect_uri_mismatch", "Bad Request");
    const std::string verifier = get("code_verifier");
    if (verifier.empty()) return oauth_error(400, "invalid_request", "code_verifier or verifier is not set.");
    if (!pkce_verifier_well_formed(verifier) || pkce_s256(verifier) != pc.challenge)
      return oauth_error(400, "invalid_grant", "Invalid code verifier.");
    pc.used = true;
    Grant& g = st.new_grant(token_provider(*c), c->id, pc.scope, "", st.config.email);
    Response r = Response::json(200, issue(st, g, pc.offline));
    r.headers.emplace("Cache-Control", "no-store");
    return r;
  }
  if (grant == "refresh_token") {
    auto it = st.refresh_tokens.find(get("refresh_token"));
    if (it == st.refresh_tokens.end()) return oauth_error(400, "invalid_grant", "Bad Request");
    auto g = st.grants.find(it->second.grant_id);
    if (g == st.grants.end() || g->second.revoked) return oauth_error(400, "invalid_grant", "Token has been expired or revoked.");
    if (g->second.client_id != c->id) return oauth_error(401, "unauthorized_client", "Unauthorized");
    // Google does not rotate: the same refresh token stays valid and none is returned.
    Response r = Response::json(200, issue(st, g->second, false));
    r.headers.emplace("Cache-Control", "no-store");
    return r;
  }
  return oauth_error(400, "unsupported_grant_type", "Invalid grant_type: " + grant);
}

const AccessToken* bearer_of(const State& st, const Request& req, std::initializer_list<const char*> providers) {
  return st.valid_access(req.bearer(), providers);
}

Response unauthenticated() {
  return g_error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                      "other valid authentication credential.", "UNAUTHENTICATED");
}

json tiers() {
  return json::array({{{"id", "free-tier"}, {"name", "Gemini Code Assist for individuals"}, {"isDefault", true},
                       {"userDefinedCloudaicompanionProject", false}},
                      {{"id", "standard-tier"}, {"name", "Gemini Code Assist"}, {"userDefinedCloudaicompanionProject", true}}});
}

Response load_code_assist(State& st, const Request& req) {
  if (!bearer_of(st, req, {"google-gemini", "google-antigravity"})) return unauthenticated();
  auto body = parse_json_object(req.body);
  if (!body || !body->contains("metadata") || !(*body)["metadata"].is_object() ||
      !(*body)["metadata"].contains("pluginType"))
    return g_error(400, "Invalid JSON payload: metadata.pluginType is required", "INVALID_ARGUMENT");
  const std::string asked = body->contains("cloudaicompanionProject") && (*body)["cloudaicompanionProject"].is_string()
                                ? (*body)["cloudaicompanionProject"].get<std::string>()
                                : "";
  GoogleState& g = gs(st);
  if (g.mode == "forbidden") return g_error(403, "The caller does not have permission", "PERMISSION_DENIED");
  if (g.mode == "validation")
    return Response::json(200, {{"ineligibleTiers",
                                 {{{"reasonCode", "VALIDATION_REQUIRED"},
                                   {"reasonMessage", "Verify your account to continue."},
                                   {"tierId", "free-tier"},
                                   {"validationUrl", "https://accounts.google.com/signin/continue?sarp=1&emu=validate"}}}}});
  if (g.mode == "ineligible")
    return Response::json(200, {{"ineligibleTiers",
                                 {{{"reasonCode", "INELIGIBLE_ACCOUNT"},
                                   {"reasonMessage", "Your account is not eligible for Gemini Code Assist."}}}}});
  if (g.mode == "workspace") {
    json out = {{"currentTier", {{"id", "standard-tier"}, {"userDefinedCloudaicompanionProject", true}}}, {"allowedTiers", tiers()}};
    if (!asked.empty()) out["cloudaicompanionProject"] = asked;
    return Response::json(200, out);
  }
  if (g.mode == "onboarded" || g.onboarded)
    return Response::json(200, {{"currentTier", {{"id", "free-tier"}}}, {"allowedTiers", tiers()},
                                {"cloudaicompanionProject", g.project}});
  return Response::json(200, {{"allowedTiers", tiers()}});
}

Response onboard_user(State& st, const Request& req) {
  if (!bearer_of(st, req, {"google-gemini", "google-antigravity"})) return unauthenticated();
  auto body = parse_json_object(req.body);
  if (!body || !body->contains("tierId") || !(*body)["tierId"].is_string())
    return g_error(400, "Invalid JSON payload: tierId is required", "INVALID_ARGUMENT");
  const std::string tier = (*body)["tierId"].get<std::string>();
  const bool has_project = body->contains("cloudaicompanionProject");
  if (tier == "free-tier" && has_project)
    return g_error(400, "The free tier is provisioned with a managed project; do not send cloudaicompanionProject",
                   "INVALID_ARGUMENT");
  if (tier == "standard-tier" && !has_project)
    return g_error(400, "Precondition check failed: this tier needs cloudaicompanionProject", "FAILED_PRECONDITION");
  if (tier != "free-tier" && tier != "standard-tier") return g_error(400, "Unknown tier " + tier, "INVALID_ARGUMENT");
  GoogleState& g = gs(st);
  Operation op;
  op.polls_left = g.onboard_polls;
  op.project = tier == "free-tier" ? g.project : (*body)["cloudaicompanionProject"].get<std::string>();
  const std::string name = "operations/onboard-" + random_hex(8);
  if (op.polls_left <= 0) {
    g.onboarded = true;
    return Response::json(200, {{"name", name}, {"done", true},
                                {"response", {{"cloudaicompanionProject", {{"id", op.project}, {"name", op.project}}}}}});
  }
  g.ops[name] = op;
  return Response::json(200, {{"name", name}, {"done", false}});
}

Response get_operation(State& st, const Request& req) {
  if (!bearer_of(st, req, {"google-gemini", "google-antigravity"})) return unauthenticated();
  const std::string name = "operations/" + req.captures.at(0);
  auto it = gs(st).ops.find(name);
  if (it == gs(st).ops.end()) return g_error(404, "Operation " + name + " not found", "NOT_FOUND");
  if (--it->second.polls_left > 0) return Response::json(200, {{"name", name}, {"done", false}});
  gs(st).onboarded = true;
  return Response::json(200, {{"name", name}, {"done", true},
                              {"response", {{"cloudaicompanionProject", {{"id", it->second.project}, {"name", it->second.project}}}}}});
}

bool has_forbidden_key(const json& s, std::string& which) {
  if (s.is_array()) {
    for (const auto& v : s)
      if (has_forbidden_key(v, which)) return true;
    return false;
  }
  if (!s.is_object()) return false;
  for (const auto& [k, v] : s.items()) {
    if (k == "$schema" || k == "additionalProperties") {
      which = k;
      return true;
    }
    if (has_forbidden_key(v, which)) return true;
  }
  return false;
}

// Validates a GenerateContentRequest the way the Gemini API does and extracts the
// conversation for the scripted model; returns an error message or "".
std::string read_request(const json& r, Conversation& c, bool signed_calls) {
  if (!r.contains("contents") || !r["contents"].is_array() || r["contents"].empty())
    return "* GenerateContentRequest.contents: contents is not specified";
  if (r.contains("tools")) {
    if (!r["tools"].is_array()) return "Invalid JSON payload received. 'tools' must be a list";
    for (const auto& t : r["tools"])
      if (t.is_object() && t.contains("functionDeclarations") && t["functionDeclarations"].is_array())
        for (const auto& f : t["functionDeclarations"]) {
          if (!f.is_object() || !f.contains("name") || !f["name"].is_string())
            return "* GenerateContentRequest.tools[0].function_declarations: name is not specified";
          std::string bad;
          if (f.contains("parameters") && has_forbidden_key(f["parameters"], bad))
            return "Invalid JSON payload received. Unknown name \"" + bad + "\" at 'tools[0].function_declarations.parameters'";
          c.tool_names.push_back(f["name"].get<std::string>());
        }
  }
  std::vector<std::string> open_calls;
  const auto& contents = r["contents"];
  for (std::size_t i = 0; i < contents.size(); ++i) {
    const json& m = contents[i];
    const std::string role = m.is_object() ? m.value("role", "") : "";
    if (role != "user" && role != "model")
      return "Please use a valid role: user, model. (contents[" + std::to_string(i) + "])";
    if (!m.contains("parts") || !m["parts"].is_array() || m["parts"].empty())
      return "* GenerateContentRequest.contents[" + std::to_string(i) + "].parts: contents.parts must not be empty.";
    std::vector<std::string> calls;
    bool responses = false;
    std::string text, result;
    for (const auto& p : m["parts"]) {
      if (p.contains("text") && p["text"].is_string()) text += p["text"].get<std::string>();
      if (p.contains("functionCall")) {
        if (role != "model") return "function calls must come from the model";
        if (signed_calls && (!p.contains("thoughtSignature") || !p["thoughtSignature"].is_string() ||
                             p["thoughtSignature"].get<std::string>().rfind("emu-sig-", 0) != 0))
          return "Function call is missing a thought_signature in functionCall parts. This is required for tools to "
                 "work correctly (contents[" + std::to_string(i) + "])";
        calls.push_back(p["functionCall"].value("name", ""));
      }
      if (p.contains("functionResponse")) {
        if (role != "user") return "function responses must come from the user";
        const std::string name = p["functionResponse"].value("name", "");
        auto it = std::find(open_calls.begin(), open_calls.end(), name);
        if (it == open_calls.end())
          return "Please ensure that function response turn comes immediately after a function call turn (" + name + ")";
        open_calls.erase(it);
        responses = true;
        const json& resp = p["functionResponse"].value("response", json::object());
        result += resp.contains("output") ? content_text(resp["output"]) : resp.dump();
      }
    }
    if (role == "model") open_calls = calls;
    else if (!responses && !open_calls.empty())
      return "Please ensure that the number of function response parts is equal to the number of function call parts";
    if (role == "user") {
      if (!text.empty()) c.last_user_text = text;
      if (i + 1 == contents.size()) {
        c.last_is_tool_result = responses;
        c.tool_result_text = result;
      }
    }
  }
  return {};
}

Response stream_reply(State& st, const std::string& model, const Conversation& c, bool wrapped) {
  ModelReply m = scripted_reply(c);
  std::size_t chunk = 16;
  {
    std::lock_guard lk(st.mu);
    chunk = st.config.chunk_size;
  }
  const std::string rid = random_alnum(22);
  auto event = [&](json response) {
    response["modelVersion"] = model;
    response["responseId"] = rid;
    return sse_data(wrapped ? json{{"response", response}, {"traceId", random_hex(8)}} : response);
  };
  std::vector<std::string> events;
  const int in_tokens = 12;
  json usage = {{"promptTokenCount", in_tokens}, {"totalTokenCount", in_tokens}};
  if (m.tool_call) {
    json part = {{"functionCall", {{"name", m.tool_name}, {"args", m.tool_input}}}};
    if (model.rfind("gemini-3", 0) == 0) part["thoughtSignature"] = "emu-sig-" + random_alnum(32);
    json fin = {{"promptTokenCount", in_tokens}, {"candidatesTokenCount", 9}, {"totalTokenCount", in_tokens + 9}};
    events.push_back(event({{"candidates", {{{"content", {{"role", "model"}, {"parts", {part}}}}, {"finishReason", "STOP"}}}},
                            {"usageMetadata", fin}}));
    return Response::sse(events);
  }
  auto pieces = utf8_chunks(m.text, chunk);
  if (pieces.empty()) pieces.push_back("");
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    json cand = {{"content", {{"role", "model"}, {"parts", {{{"text", pieces[i]}}}}}}};
    json u = usage;
    if (i + 1 == pieces.size()) {
      cand["finishReason"] = "STOP";
      const int out = static_cast<int>(m.text.size() / 4) + 1;
      u = {{"promptTokenCount", in_tokens}, {"candidatesTokenCount", out}, {"totalTokenCount", in_tokens + out}};
    }
    events.push_back(event({{"candidates", {cand}}, {"usageMetadata", u}}));
  }
  return Response::sse(events);
}

Response code_assist_generate(State& st, const Request& req) {
  {
    std::lock_guard lk(st.mu);
    if (!bearer_of(st, req, {"google-gemini", "google-antigravity"})) return unauthenticated();
  }
  if (req.param("alt") != "sse") return g_error(400, "streamGenerateContent needs alt=sse here", "INVALID_ARGUMENT");
  auto body = parse_json_object(req.body);
  if (!body) return g_error(400, "Invalid JSON payload received.", "INVALID_ARGUMENT");
  for (const char* k : {"model", "project"})
    if (!body->contains(k) || !(*body)[k].is_string() || (*body)[k].get<std::string>().empty())
      return g_error(400, std::string("Invalid JSON payload: ") + k + " is required", "INVALID_ARGUMENT");
  if (!body->contains("request") || !(*body)["request"].is_object())
    return g_error(400, "Invalid JSON payload: request is required", "INVALID_ARGUMENT");
  {
    std::lock_guard lk(st.mu);
    const GoogleState& g = gs(st);
    const std::string project = (*body)["project"].get<std::string>();
    if (g.mode != "workspace" && project != g.project)
      return g_error(403, "Permission denied on resource project " + project + ".", "PERMISSION_DENIED");
  }
  Conversation c;
  const std::string model = (*body)["model"].get<std::string>();
  if (std::string e = read_request((*body)["request"], c, model.rfind("gemini-3", 0) == 0); !e.empty())
    return g_error(400, e, "INVALID_ARGUMENT");
  return stream_reply(st, model, c, true);
}

Response api_generate(State& st, const Request& req) {
  const std::string key = req.header("x-goog-api-key");
  {
    std::lock_guard lk(st.mu);
    if (key.empty() || !gs(st).api_keys.count(key))
      return g_error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT",
                     json::array({{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"}, {"reason", "API_KEY_INVALID"},
                                   {"domain", "googleapis.com"}}}));
  }
  if (req.param("alt") != "sse") return g_error(400, "streamGenerateContent needs alt=sse here", "INVALID_ARGUMENT");
  const std::string model = req.captures.at(0);
  if (model.rfind("gemini-", 0) != 0)
    return g_error(404, "models/" + model + " is not found for API version v1beta", "NOT_FOUND");
  auto body = parse_json_object(req.body);
  if (!body) return g_error(400, "Invalid JSON payload received.", "INVALID_ARGUMENT");
  Conversation c;
  if (std::string e = read_request(*body, c, model.rfind("gemini-3", 0) == 0); !e.empty())
    return g_error(400, e, "INVALID_ARGUMENT");
  return stream_reply(st, model, c, false);
}

}  // namespace

void register_google(Router& r, State& st) {
  r.add_exact("GET", "/accounts.google.com/o/oauth2/v2/auth", [&st](const Request& req) {
    std::lock_guard lk(st.mu);
    return authorize(st, req.query);
  });
  r.add_exact("POST", "/oauth2.googleapis.com/token", [&st](const Request& req) {
    std::lock_guard lk(st.mu);
    return token(st, req);
  });
  r.add_exact("POST", "/oauth2.googleapis.com/revoke", [&st](const Request& req) {
    auto p = parse_form(req.body);
    if (!p.count("token") || p["token"].empty()) return oauth_error(400, "invalid_request", "Missing required parameter: token");
    std::lock_guard lk(st.mu);
    if (auto it = st.refresh_tokens.find(p["token"]); it != st.refresh_tokens.end()) st.revoke_grant(it->second.grant_id);
    else if (auto at = st.access_tokens.find(p["token"]); at != st.access_tokens.end()) at->second.revoked = true;
    else return oauth_error(400, "invalid_token", "Token expired or revoked");
    return Response::json(200, json::object());
  });
  for (const char* path : {"/www.googleapis.com/oauth2/v2/userinfo", "/www.googleapis.com/oauth2/v1/userinfo"}) {
    r.add_exact("GET", path, [&st](const Request& req) {
      std::lock_guard lk(st.mu);
      const AccessToken* at = bearer_of(st, req, {"google-gemini", "google-antigravity", "google-gmail"});
      if (!at) return unauthenticated();
      auto g = st.grants.find(at->grant_id);
      const std::string email = g != st.grants.end() ? g->second.email : st.config.email;
      return Response::json(200, {{"id", "1084" + std::to_string(email.size()) + "42"},
                                  {"email", email},
                                  {"verified_email", true},
                                  {"name", "Emulator User"},
                                  {"picture", "https://lh3.googleusercontent.com/a/emu"}});
    });
  }
  // The page Google shows for the manual (no loopback) redirect: a code to copy.
  r.add_exact("GET", "/codeassist.google.com/authcode", [](const Request& req) {
    const std::string code = req.param("code");
    if (code.empty()) return Response::text(400, "<!doctype html><p>No authorization code.</p>", "text/html; charset=utf-8");
    return Response::text(200, "<!doctype html><html><body><h1>Gemini Code Assist</h1><p>Copy this code into your "
                               "terminal:</p><pre id=\"code\">" + code + "</pre></body></html>",
                          "text/html; charset=utf-8");
  });
  for (const std::string host : {"cloudcode-pa.googleapis.com", "daily-cloudcode-pa.sandbox.googleapis.com",
                                 "autopush-cloudcode-pa.sandbox.googleapis.com"}) {
    r.add_exact("POST", "/" + host + "/v1internal:loadCodeAssist", [&st](const Request& req) {
      std::lock_guard lk(st.mu);
      return load_code_assist(st, req);
    });
  }
  r.add_exact("POST", "/cloudcode-pa.googleapis.com/v1internal:onboardUser", [&st](const Request& req) {
    std::lock_guard lk(st.mu);
    return onboard_user(st, req);
  });
  r.add("GET", R"(/cloudcode-pa\.googleapis\.com/v1internal/operations/([A-Za-z0-9_.-]+))", [&st](const Request& req) {
    std::lock_guard lk(st.mu);
    return get_operation(st, req);
  });
  r.add_exact("POST", "/cloudcode-pa.googleapis.com/v1internal:streamGenerateContent",
              [&st](const Request& req) { return code_assist_generate(st, req); });
  r.add("POST", R"(/generativelanguage\.googleapis\.com/v1beta/models/([A-Za-z0-9_.-]+):streamGenerateContent)",
        [&st](const Request& req) { return api_generate(st, req); });
  r.add_exact("GET", "/gmail.googleapis.com/gmail/v1/users/me/profile", [&st](const Request& req) {
    std::lock_guard lk(st.mu);
    const AccessToken* at = bearer_of(st, req, {"google-gmail"});
    if (!at) return unauthenticated();
    auto g = st.grants.find(at->grant_id);
    if (g == st.grants.end() || g->second.scope.find("gmail") == std::string::npos)
      return g_error(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED");
    return Response::json(200, {{"emailAddress", g->second.email}, {"messagesTotal", 42}, {"threadsTotal", 17},
                                {"historyId", "987654"}});
  });

  // ---- control ----
  r.add_exact("POST", "/_emulator/google/code-assist", [&st](const Request& req) {
    auto b = parse_json_object(req.body);
    if (!b) return Response::json(400, {{"error", "body must be a JSON object"}});
    std::lock_guard lk(st.mu);
    GoogleState& g = gs(st);
    if (b->contains("mode")) {
      const std::string m = (*b)["mode"].get<std::string>();
      static const std::set<std::string> modes{"free", "onboarded", "workspace", "validation", "ineligible", "forbidden"};
      if (!modes.count(m)) return Response::json(400, {{"error", "unknown mode " + m}});
      g.mode = m;
      g.onboarded = m == "onboarded";
    }
    if (b->contains("onboard_polls")) g.onboard_polls = (*b)["onboard_polls"].get<int>();
    if (b->contains("project")) g.project = (*b)["project"].get<std::string>();
    return Response::json(200, {{"mode", g.mode}, {"onboard_polls", g.onboard_polls}, {"project", g.project},
                                {"onboarded", g.onboarded}});
  });
  // Mints tokens for a product's client as if its tool had logged in (Gemini CLI's file).
  r.add_exact("POST", "/_emulator/google/tokens", [&st](const Request& req) {
    auto b = parse_json_object(req.body);
    if (!b) return Response::json(400, {{"error", "body must be a JSON object"}});
    const std::string product = b->value("product", "gemini");
    std::lock_guard lk(st.mu);
    const GoogleClient* c = nullptr;
    for (const auto& cl : clients())
      if (cl.product == product && c == nullptr) c = &cl;
    if (c == nullptr) return Response::json(400, {{"error", "unknown product (gemini, antigravity, gmail)"}});
    std::string scope;
    for (const auto& s : c->scopes) scope += (scope.empty() ? "" : " ") + s;
    Grant& g = st.new_grant(token_provider(*c), c->id, scope, "", st.config.email);
    const int saved = st.config.access_token_ttl_s;
    if (b->contains("expires_in")) st.config.access_token_ttl_s = (*b)["expires_in"].get<int>();
    json out = issue(st, g, true);
    st.config.access_token_ttl_s = saved;
    out["expiry_date"] = (st.now() + out["expires_in"].get<int>()) * 1000;
    out["client_id"] = c->id;
    return Response::json(200, out);
  });
}

}  // namespace jemu
