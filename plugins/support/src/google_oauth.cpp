#include <jcode/support/google_oauth.hpp>
#include <jcode/support/json_file.hpp>
#include <jcode/support/shared_auth_files.hpp>
#include <jcode/support/stream_send.hpp>

#include <cctype>
#include <cstdlib>

namespace jcode::support::google {
namespace {

using nlohmann::json;
using plugin::view;

std::string str(const json& obj, const char* key) { return json_string(obj, key); }
int64_t number(const json& obj, const char* key) { return json_int(obj, key); }

// Seconds when too small to be milliseconds (10^11 ms is 1973).
int64_t as_ms(int64_t v) { return v > 0 && v < 100000000000LL ? v * 1000 : (v > 0 ? v : 0); }

}  // namespace

Parsed parse_token_file(std::string_view text, std::string_view what) {
  json doc;
  if (std::string why = parse_json_object(text, doc); !why.empty()) return {std::nullopt, std::string(what) + " " + why};
  Tokens t;
  t.access = str(doc, "access_token");
  t.refresh = str(doc, "refresh_token");
  t.id_token = str(doc, "id_token");
  t.email = str(doc, "email");
  t.project_id = str(doc, "project_id");
  t.scope = str(doc, "scope");
  t.expiry_date_ms = as_ms(number(doc, "expiry_date"));
  if (t.expiry_date_ms == 0) t.expiry_date_ms = as_ms(number(doc, "expires_at"));
  if (t.access.empty() && t.refresh.empty()) return {};
  if (auto it = doc.find("access_token"); it != doc.end() && !it->is_string())
    return {std::nullopt, std::string(what) + ": \"access_token\" is not a string"};
  return {t, {}};
}

std::string serialize_token_file(std::string_view current, const Tokens& t, std::string& error) {
  json doc = json::object();
  if (!current.empty()) {
    if (std::string why = parse_json_object(current, doc); !why.empty()) {
      error = "the token file " + why;
      return {};
    }
  }
  doc["access_token"] = t.access;
  doc["refresh_token"] = t.refresh;
  doc["token_type"] = "Bearer";
  if (t.expiry_date_ms > 0) doc["expiry_date"] = t.expiry_date_ms;
  else doc.erase("expiry_date");
  auto set = [&doc](const char* k, const std::string& v) {
    if (v.empty()) doc.erase(k);
    else doc[k] = v;
  };
  set("id_token", t.id_token);
  set("email", t.email);
  set("project_id", t.project_id);
  set("scope", t.scope);
  doc.erase("expires_at");
  return doc.dump(2) + "\n";
}

Parsed map_token_response(std::string_view text, const Tokens* previous, int64_t now_ms,
                          std::string_view login_command) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || str(j, "access_token").empty())
    return {std::nullopt, "the Google token endpoint answered without an access_token"};
  Tokens t;
  t.access = str(j, "access_token");
  t.refresh = str(j, "refresh_token");
  t.id_token = str(j, "id_token");
  t.scope = str(j, "scope");
  if (int64_t in = number(j, "expires_in"); in > 0) t.expiry_date_ms = now_ms + in * 1000;
  if (previous == nullptr) {
    if (t.refresh.empty())
      return {std::nullopt,
              "Google returned no refresh token, so this login could not be kept. Google issues one only on a "
              "consent screen: revoke jcode's earlier access at " + std::string(kPermissionsUrl) +
                  " (remove the app), then run `" + std::string(login_command) + "` again"};
    return {t, {}};
  }
  if (t.refresh.empty()) t.refresh = previous->refresh;  // Google does not rotate refresh tokens
  if (t.id_token.empty()) t.id_token = previous->id_token;
  if (t.scope.empty()) t.scope = previous->scope;
  t.email = previous->email;
  t.project_id = previous->project_id;
  return {t, {}};
}

Tokens from_credential(const jcode_credential& c) {
  Tokens t;
  t.access = std::string(view(c.access_token));
  t.refresh = std::string(view(c.refresh_token));
  t.id_token = std::string(view(c.id_token));
  t.email = std::string(view(c.email));
  t.expiry_date_ms = c.expires_at_ms;
  json extra = json::parse(view(c.extra), nullptr, false);
  if (extra.is_object()) {
    t.project_id = str(extra, "project_id");
    t.scope = str(extra, "scope");
  }
  return t;
}

jcode_status put(const plugin::Host& host, const Tokens& t, const jcode_credential_sink* out) {
  host.add_secret(t.access);
  host.add_secret(t.refresh);
  host.add_secret(t.id_token);
  plugin::Credential c;
  c.kind = JCODE_CRED_OAUTH;
  c.access_token = t.access;
  c.refresh_token = t.refresh;
  c.id_token = t.id_token;
  c.email = t.email;
  c.expires_at_ms = t.expiry_date_ms;
  json extra = json::object();
  if (!t.project_id.empty()) extra["project_id"] = t.project_id;
  if (!t.scope.empty()) extra["scope"] = t.scope;
  if (!extra.empty()) c.extra = extra.dump();
  return c.put(out);
}

ApiReply call_json(const plugin::Host& host, std::string_view method, const std::string& url,
                   std::string_view bearer, const json* body,
                   const std::vector<std::pair<std::string, std::string>>& extra_headers, uint32_t timeout_ms) {
  Headers h{{"accept", "application/json"}};
  if (body != nullptr) h.add("content-type", "application/json");
  if (!bearer.empty()) h.add("authorization", "Bearer " + std::string(bearer));
  for (const auto& [k, v] : extra_headers) h.add(k, v);
  std::vector<jcode_kv> kv = plugin::kv_list(h.items());
  const std::string payload = body != nullptr ? body->dump() : std::string();
  plugin::BufferedResponse resp;
  jcode_http_request req = plugin::http_request(method, url, kv, payload, JCODE_HTTP_F_RETRY, timeout_ms);
  ApiReply r;
  r.status = host.http(req, resp.sink());
  if (r.status != JCODE_OK) return r;
  r.http_status = resp.status();
  r.raw = resp.body();
  r.body = json::parse(r.raw, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  return r;
}

std::string error_text(const ApiReply& r) {
  if (r.body.is_object()) {
    auto e = r.body.find("error");
    if (e != r.body.end() && e->is_object()) {
      std::string msg = str(*e, "message"), status = str(*e, "status");
      if (!msg.empty()) return status.empty() ? msg : msg + " (" + status + ")";
    }
    if (e != r.body.end() && e->is_string()) {
      std::string d = str(r.body, "error_description");
      return d.empty() ? e->get<std::string>() : e->get<std::string>() + ": " + d;
    }
  }
  std::string raw = r.raw.substr(0, 200);
  for (char& c : raw)
    if (c == '\n' || c == '\r') c = ' ';
  return raw.empty() ? "no details" : raw;
}

ApiReply refresh(const plugin::Host& host, const std::string& token_url, std::string_view client_id,
                 std::string_view client_secret, std::string_view refresh_token) {
  auto enc = [](std::string_view v) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
      else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  };
  std::string body = "grant_type=refresh_token&refresh_token=" + enc(refresh_token) + "&client_id=" + enc(client_id);
  if (!client_secret.empty()) body += "&client_secret=" + enc(client_secret);
  Headers h{{"content-type", "application/x-www-form-urlencoded"}, {"accept", "application/json"}};
  std::vector<jcode_kv> kv = plugin::kv_list(h.items());
  plugin::BufferedResponse resp;
  jcode_http_request req = plugin::http_request("POST", token_url, kv, body, JCODE_HTTP_F_RETRY, 30000);
  ApiReply r;
  r.status = host.http(req, resp.sink());
  for (volatile char& c : body) c = 0;
  if (r.status != JCODE_OK) return r;
  r.http_status = resp.status();
  r.raw = resp.body();
  r.body = json::parse(r.raw, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  if (r.body.is_object())
    for (const char* k : {"access_token", "refresh_token", "id_token"})
      if (r.body.contains(k) && r.body[k].is_string()) host.add_secret(r.body[k].get<std::string>());
  return r;
}

bool stale(const Tokens& t, int64_t now_ms) {
  if (t.access.empty()) return true;
  return t.expiry_date_ms != 0 && t.expiry_date_ms <= now_ms + 60000;
}

jcode_status resolve_stored(const plugin::Host& host, std::string_view source_id, std::string_view file_name,
                            const RuntimeClient& client, std::string_view login_command,
                            const std::function<void(Tokens&)>& after_refresh, const jcode_credential_sink* out) {
  std::string content;
  jcode_status st = host.store_read(source_id, content);
  if (st == JCODE_E_NOT_FOUND) return JCODE_E_DECLINE;
  if (st != JCODE_OK) return st;
  Parsed p = parse_token_file(content, file_name);
  if (!p.error.empty()) return host.error(JCODE_E_PROTOCOL, p.error);
  if (!p.tokens) return JCODE_E_DECLINE;
  Tokens t = *p.tokens;
  host.add_secret(t.access);
  host.add_secret(t.refresh);
  if (!stale(t, host.now_ms())) return put(host, t, out);
  const std::string login(login_command);
  if (t.refresh.empty())
    return host.error(JCODE_E_AUTH_REQUIRED, "the login in " + std::string(file_name) +
                                                 " has expired and has no refresh token; run `" + login + "`");
  if (client.id.empty())
    return host.error(JCODE_E_AUTH_REQUIRED, "the login in " + std::string(file_name) + " needs a refresh but " +
                                                 client.what + " holds no OAuth client; run `" + login + "`");
  auto token_url = host.endpoint_url("token");
  if (!token_url) return JCODE_E_INVALID_ARG;  // the host said which setting is wrong
  host.add_secret(client.secret);
  ApiReply r = refresh(host, *token_url, client.id, client.secret, t.refresh);
  if (r.status != JCODE_OK) return r.status;
  if (!r.ok()) {
    const std::string code = r.body.is_object() && r.body.contains("error") && r.body["error"].is_string()
                                 ? r.body["error"].get<std::string>()
                                 : std::string();
    const std::string why = error_text(r);
    if (code == "invalid_grant")
      return host.error(JCODE_E_AUTH_REQUIRED, "Google refused the saved login (" + why + "); run `" + login + "`");
    if (code == "invalid_client" || code == "unauthorized_client")
      return host.error(JCODE_E_AUTH_REQUIRED, "Google refused the OAuth client from " + client.what + " (" + why +
                                                   "); check it, or log in again with the client you want: `" + login + "`");
    return host.error(r.http_status >= 500 ? JCODE_E_SERVER : JCODE_E_PROTOCOL,
                      "the Google token refresh failed (HTTP " + std::to_string(r.http_status) + ": " + why + ")");
  }
  Parsed fresh = map_token_response(r.raw, &t, host.now_ms(), login_command);
  if (!fresh.tokens) return host.error(JCODE_E_PROTOCOL, fresh.error);
  if (after_refresh) after_refresh(*fresh.tokens);
  std::string error;
  std::string text = serialize_token_file(content, *fresh.tokens, error);
  if (!error.empty()) return host.error(JCODE_E_PROTOCOL, std::string(file_name) + ": " + error);
  if (jcode_status ws = host.store_write(source_id, text); ws != JCODE_OK) return ws;
  return put(host, *fresh.tokens, out);
}

std::optional<std::string> userinfo_email(const plugin::Host& host, const std::string& url, std::string_view access) {
  ApiReply r = call_json(host, "GET", url, access, nullptr, {}, 15000);
  if (!r.ok() || !r.body.is_object()) return std::nullopt;
  std::string email = str(r.body, "email");
  if (email.empty()) email = str(r.body, "emailAddress");
  if (email.empty()) return std::nullopt;
  return email;
}

std::string project_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object()) return str(v, "id");
  return {};
}

ApiReply load_code_assist(const plugin::Host& host, const std::string& base, std::string_view access,
                          const json& metadata, std::string_view project,
                          const std::vector<std::pair<std::string, std::string>>& extra_headers) {
  json body = {{"metadata", metadata}};
  if (!project.empty()) {
    body["cloudaicompanionProject"] = std::string(project);
    body["metadata"]["duetProject"] = std::string(project);
  }
  return call_json(host, "POST", base + ":loadCodeAssist", access, &body, extra_headers);
}

std::optional<std::string> env_nonblank(const plugin::Host& host, std::string_view name) {
  auto v = host.env(name);
  if (!v) return std::nullopt;
  size_t a = v->find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return std::nullopt;
  size_t b = v->find_last_not_of(" \t\r\n");
  return v->substr(a, b - a + 1);
}

jcode_status parse_source(const plugin::Host& host, const jcode_source_decl& source, std::string_view content,
                          std::initializer_list<std::string_view> shared_keys, const jcode_credential_sink* out) {
  if (source.flags & JCODE_SOURCE_F_SHARED) {
    auto r = parse_shared_auth(content, shared_keys);
    if (r.status == SharedParse::malformed)
      return host.error(JCODE_E_PROTOCOL, std::string(source.label) + " (" + source.location + "): " + r.error);
    if (r.status != SharedParse::found || !r.entry.oauth || r.entry.access.empty()) return JCODE_E_DECLINE;
    Tokens t;
    t.access = r.entry.access;
    t.refresh = r.entry.refresh;
    t.expiry_date_ms = r.entry.expires_at_ms;
    return put(host, t, out);
  }
  Parsed p = parse_token_file(content, source.location);
  if (!p.error.empty()) return host.error(JCODE_E_PROTOCOL, p.error);
  if (!p.tokens) return JCODE_E_DECLINE;
  return put(host, *p.tokens, out);
}

jcode_status serialize_source(const plugin::Host& host, std::string_view file, std::string_view current,
                              const jcode_credential* cred, jcode_sink* out) {
  if (cred == nullptr) return plugin::write(out, "{}\n");
  std::string error;
  std::string text = serialize_token_file(current, from_credential(*cred), error);
  if (!error.empty()) return host.error(JCODE_E_PROTOCOL, std::string(file) + ": " + error);
  return plugin::write(out, text);
}

jcode_status put_token_response(const plugin::Host& host, std::string_view json, const jcode_credential* previous,
                                std::string_view login_command, const jcode_credential_sink* out,
                                const std::function<void(Tokens&)>& enrich) {
  Tokens prev;
  if (previous != nullptr) prev = from_credential(*previous);
  Parsed p = map_token_response(json, previous ? &prev : nullptr, host.now_ms(), login_command);
  if (!p.tokens) return host.error(JCODE_E_PROTOCOL, p.error);
  if (enrich) enrich(*p.tokens);
  return put(host, *p.tokens, out);
}

}  // namespace jcode::support::google
