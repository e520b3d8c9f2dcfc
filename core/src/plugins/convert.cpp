#include "plugins/convert.hpp"

#include <jcode/plugins/status.hpp>

namespace jcode::plugins::detail {

#define HAS(p, T, f) JCODE_HAS_FIELD(p, T, f)

model::OAuthClient to_model(const jcode_oauth_client& c) {
  const auto* p = &c;
  model::OAuthClient m;
  if (HAS(p, jcode_oauth_client, client_id)) m.client_id = str_of(c.client_id);
  if (HAS(p, jcode_oauth_client, client_secret)) m.client_secret = str_of(c.client_secret);
  if (HAS(p, jcode_oauth_client, authorize_endpoint)) m.authorize_endpoint = str_of(c.authorize_endpoint);
  if (HAS(p, jcode_oauth_client, token_endpoint)) m.token_endpoint = str_of(c.token_endpoint);
  if (HAS(p, jcode_oauth_client, revoke_endpoint)) m.revoke_endpoint = str_of(c.revoke_endpoint);
  if (HAS(p, jcode_oauth_client, scopes)) m.scopes = str_of(c.scopes);
  if (HAS(p, jcode_oauth_client, refresh_scopes)) m.refresh_scopes = str_of(c.refresh_scopes);
  if (HAS(p, jcode_oauth_client, extra_authorize_query))
    m.extra_authorize_query = str_of(c.extra_authorize_query);
  if (HAS(p, jcode_oauth_client, token_body) && c.token_body == JCODE_BODY_JSON)
    m.token_body = model::TokenBody::json;
  if (HAS(p, jcode_oauth_client, redirect_kind) &&
      (c.redirect_kind == JCODE_REDIRECT_LOOPBACK_FIXED || c.redirect_kind == JCODE_REDIRECT_MANUAL))
    m.redirect_kind = static_cast<model::RedirectKind>(c.redirect_kind);
  if (HAS(p, jcode_oauth_client, redirect_port)) m.redirect_port = c.redirect_port;
  if (HAS(p, jcode_oauth_client, timeout_s) && c.timeout_s != 0) m.timeout_s = c.timeout_s;
  if (HAS(p, jcode_oauth_client, redirect_host) && c.redirect_host) m.redirect_host = c.redirect_host;
  if (HAS(p, jcode_oauth_client, redirect_path) && c.redirect_path) m.redirect_path = c.redirect_path;
  if (HAS(p, jcode_oauth_client, manual_redirect_uri))
    m.manual_redirect_uri = str_of(c.manual_redirect_uri);
  if (HAS(p, jcode_oauth_client, flags)) m.flags = c.flags;
  return m;
}

model::DeviceClient to_model(const jcode_device_client& c) {
  const auto* p = &c;
  model::DeviceClient m;
  if (HAS(p, jcode_device_client, client_id)) m.client_id = str_of(c.client_id);
  if (HAS(p, jcode_device_client, device_endpoint)) m.device_endpoint = str_of(c.device_endpoint);
  if (HAS(p, jcode_device_client, token_endpoint)) m.token_endpoint = str_of(c.token_endpoint);
  if (HAS(p, jcode_device_client, scopes)) m.scopes = str_of(c.scopes);
  return m;
}

Result<model::LoginRequest> to_model(const jcode_login_request& r) {
  const auto* p = &r;
  model::LoginRequest m;
  if (HAS(p, jcode_login_request, flags)) m.flags = r.flags;
  if (HAS(p, jcode_login_request, callback_url)) {
    if (!valid(r.callback_url)) return Error{JCODE_E_INVALID_ARG, "login request: callback_url has a NULL pointer"};
    m.callback_url = std::string(view_of(r.callback_url));
  }
  if (HAS(p, jcode_login_request, auth_code)) {
    if (!valid(r.auth_code)) return Error{JCODE_E_INVALID_ARG, "login request: auth_code has a NULL pointer"};
    m.auth_code = std::string(view_of(r.auth_code));
  }
  if (HAS(p, jcode_login_request, option_count) && r.option_count > 0) {
    if (!r.options) return Error{JCODE_E_INVALID_ARG, "login request: options is NULL but option_count > 0"};
    for (size_t i = 0; i < r.option_count; ++i) {
      if (!valid(r.options[i].key) || !valid(r.options[i].value))
        return Error{JCODE_E_INVALID_ARG, "login request: an option has a NULL pointer"};
      m.options[std::string(view_of(r.options[i].key))] = std::string(view_of(r.options[i].value));
    }
  }
  return m;
}

model::SourceDecl to_model(const jcode_source_decl& d, int index) {
  const auto* p = &d;
  model::SourceDecl m;
  m.index = index;
  if (HAS(p, jcode_source_decl, kind)) m.kind = static_cast<model::SourceKind>(d.kind);
  if (HAS(p, jcode_source_decl, id)) m.id = str_of(d.id);
  if (HAS(p, jcode_source_decl, location)) m.location = str_of(d.location);
  if (HAS(p, jcode_source_decl, key)) m.key = str_of(d.key);
  if (HAS(p, jcode_source_decl, label)) m.label = str_of(d.label);
  if (HAS(p, jcode_source_decl, cred_kind)) m.cred_kind = static_cast<model::CredentialKind>(d.cred_kind);
  if (HAS(p, jcode_source_decl, flags)) m.flags = d.flags;
  return m;
}

static bool valid_cred_kind(int32_t k) {
  return k == JCODE_CRED_OAUTH || k == JCODE_CRED_API_KEY || k == JCODE_CRED_SESSION ||
         k == JCODE_CRED_BEARER;
}

Result<model::Credential> to_model(const jcode_credential* c) {
  if (!c) return Error{JCODE_E_INVALID_ARG, "put() was given a NULL credential"};
  if (!HAS(c, jcode_credential, kind))
    return Error{JCODE_E_INVALID_ARG, "put() was given a credential whose struct_size is too small"};
  if (!valid_cred_kind(c->kind))
    return Error{JCODE_E_INVALID_ARG,
                 "put() was given a credential of unknown kind " + std::to_string(c->kind)};
  model::Credential m;
  m.kind = static_cast<model::CredentialKind>(c->kind);
  auto take = [&](bool has, const jcode_str& s, std::string& dst, const char* name) -> Status {
    if (!has) return {};
    if (!valid(s)) return Error{JCODE_E_INVALID_ARG, std::string("put(): credential ") + name + " has a NULL pointer"};
    dst.assign(view_of(s));
    return {};
  };
  if (auto s = take(HAS(c, jcode_credential, access_token), c->access_token, m.access_token, "access_token"); !s) return s.error();
  if (auto s = take(HAS(c, jcode_credential, refresh_token), c->refresh_token, m.refresh_token, "refresh_token"); !s) return s.error();
  if (auto s = take(HAS(c, jcode_credential, id_token), c->id_token, m.id_token, "id_token"); !s) return s.error();
  if (HAS(c, jcode_credential, expires_at_ms)) m.expires_at_ms = c->expires_at_ms;
  if (auto s = take(HAS(c, jcode_credential, account_id), c->account_id, m.account_id, "account_id"); !s) return s.error();
  if (auto s = take(HAS(c, jcode_credential, email), c->email, m.email, "email"); !s) return s.error();
  if (auto s = take(HAS(c, jcode_credential, extra), c->extra, m.extra, "extra"); !s) return s.error();
  // source_id is the host's to set; a plugin's value is ignored.
  if (m.kind != model::CredentialKind::session && m.access_token.empty())
    return Error{JCODE_E_INVALID_ARG, "put() was given a credential without an access token"};
  return m;
}

Result<Event> to_model(const jcode_event* e) {
  if (!e || !HAS(e, jcode_event, type))
    return Error{JCODE_E_INVALID_ARG, "emit() was given a NULL or too small event"};
  Event m;
  m.type = static_cast<EventType>(e->type);
  auto take = [&](bool has, const jcode_str& s, std::string& dst) -> bool {
    if (!has) return true;
    if (!valid(s)) return false;
    dst.assign(view_of(s));
    return true;
  };
  if (!take(HAS(e, jcode_event, text), e->text, m.text) || !take(HAS(e, jcode_event, id), e->id, m.id) ||
      !take(HAS(e, jcode_event, name), e->name, m.name) || !take(HAS(e, jcode_event, json), e->json, m.json))
    return Error{JCODE_E_INVALID_ARG, "emit(): an event string has a NULL pointer"};
  if (HAS(e, jcode_event, input_tokens)) m.input_tokens = e->input_tokens;
  if (HAS(e, jcode_event, output_tokens)) m.output_tokens = e->output_tokens;
  if (HAS(e, jcode_event, cache_read_tokens)) m.cache_read_tokens = e->cache_read_tokens;
  if (HAS(e, jcode_event, cache_write_tokens)) m.cache_write_tokens = e->cache_write_tokens;
  if (HAS(e, jcode_event, index)) m.index = e->index;
  if (HAS(e, jcode_event, http_status)) m.http_status = e->http_status;
  return m;
}

CredentialView::CredentialView(const model::Credential& m) {
  c.struct_size = sizeof(jcode_credential);
  c.kind = static_cast<int32_t>(m.kind);
  c.access_token = str_from(m.access_token);
  c.refresh_token = str_from(m.refresh_token);
  c.id_token = str_from(m.id_token);
  c.expires_at_ms = m.expires_at_ms;
  c.account_id = str_from(m.account_id);
  c.email = str_from(m.email);
  c.extra = str_from(m.extra);
  c.source_id = str_from(m.source_id);
}

LoginRequestView::LoginRequestView(const model::LoginRequest& m) {
  options.reserve(m.options.size());
  for (const auto& [k, v] : m.options) options.push_back(jcode_kv{str_from(k), str_from(v)});
  r.struct_size = sizeof(jcode_login_request);
  r.flags = m.flags;
  r.callback_url = str_from(m.callback_url);
  r.auth_code = str_from(m.auth_code);
  r.options = options.empty() ? nullptr : options.data();
  r.option_count = options.size();
}

}  // namespace jcode::plugins::detail
