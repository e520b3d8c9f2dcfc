// Control API under /_emulator/ (JSON). Documented in docs/emulator.md.
#include "emulator.hpp"
#include "modules.hpp"

#include <cctype>

namespace jemu {

namespace {

Response bad(const std::string& msg) { return Response::json(400, {{"error", "bad_request"}, {"message", msg}}); }
Response ok(json extra = json::object()) {
  extra["ok"] = true;
  return Response::json(200, extra);
}

std::optional<json> body_object(const Request& req) {
  if (trim(req.body).empty()) return json::object();
  return parse_json_object(req.body);
}

std::string str_field(const json& j, const char* k) {
  return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}

json log_entry_json(const LogEntry& e) {
  json headers = json::object();
  for (const auto& [k, v] : e.headers) {
    std::string key = to_lower(k);
    if (headers.contains(key))
      headers[key] = headers[key].get<std::string>() + ", " + v;
    else
      headers[key] = v;
  }
  json j = {{"seq", e.seq},       {"time_ms", e.time_ms}, {"method", e.method}, {"path", e.path},
            {"query", e.query},   {"headers", headers},   {"body", e.body},     {"status", e.status},
            {"body_truncated", e.body_truncated}};
  auto parsed = json::parse(e.body, nullptr, false);
  if (!parsed.is_discarded() && (parsed.is_object() || parsed.is_array())) j["json"] = parsed;
  return j;
}

const char* device_status(DeviceCode::Status s) {
  switch (s) {
    case DeviceCode::Status::Pending: return "pending";
    case DeviceCode::Status::Approved: return "approved";
    case DeviceCode::Status::Denied: return "denied";
    case DeviceCode::Status::Consumed: return "consumed";
  }
  return "?";
}

Response device_decide(State& st, const Request& req, DeviceCode::Status to) {
  auto b = body_object(req);
  if (!b) return bad("body must be a JSON object");
  const std::string user_code = str_field(*b, "user_code");
  const std::string device_code = str_field(*b, "device_code");
  if (user_code.empty() && device_code.empty()) return bad("user_code or device_code is required");
  std::lock_guard lk(st.mu);
  for (auto& [dc, d] : st.devices) {
    if ((!user_code.empty() && d.user_code == user_code) || (!device_code.empty() && dc == device_code)) {
      if (d.status != DeviceCode::Status::Pending)
        return Response::json(409, {{"error", "not_pending"}, {"status", device_status(d.status)}});
      d.status = to;
      return ok({{"device_code", dc}, {"status", device_status(d.status)}});
    }
  }
  return Response::json(404, {{"error", "unknown_device_code"}});
}

// Finds the provider and query parameters of an authorize URL (real or mounted form).
bool authorize_target(const std::string& url, std::string* provider, ParamMap* params) {
  std::string path = url, query;
  std::string host;
  if (auto u = parse_url(url)) {
    path = u->path;
    query = u->query;
    host = u->host;
  } else {
    auto q = url.find('?');
    if (q != std::string::npos) {
      path = url.substr(0, q);
      query = url.substr(q + 1);
    }
  }
  *provider = provider_for_authorize_path(path);
  if (provider->empty() && !host.empty()) *provider = provider_for_authorize_path("/" + host + path);
  if (provider->empty()) return false;
  for (const auto& [k, v] : parse_form(query)) params->emplace(k, v);
  return true;
}

}  // namespace

void register_control_api(Router& r, State& st) {
  r.add_exact("GET", "/_emulator/health", [](const Request&) { return ok(); });

  r.add_exact("POST", "/_emulator/reset", [&st](const Request&) {
    std::lock_guard lk(st.mu);
    st.reset();
    return ok();
  });

  r.add_exact("GET", "/_emulator/config", [&st](const Request&) {
    std::lock_guard lk(st.mu);
    return Response::json(200, config_to_json(st.config));
  });
  r.add_exact("POST", "/_emulator/config", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b) return bad("body must be a JSON object");
    std::lock_guard lk(st.mu);
    if (auto err = apply_config(st.config, *b)) return bad(*err);
    while (st.log.size() > st.config.log_capacity) st.log.pop_front();
    return Response::json(200, config_to_json(st.config));
  });

  r.add_exact("POST", "/_emulator/advance-time", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b || !b->contains("seconds") || !(*b)["seconds"].is_number_integer()) return bad("seconds (integer) is required");
    st.advance((*b)["seconds"].get<std::int64_t>());
    return ok({{"now", st.now()}});
  });

  r.add_exact("POST", "/_emulator/expire-access-tokens", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b) return bad("body must be a JSON object");
    const std::string provider = str_field(*b, "provider");
    std::lock_guard lk(st.mu);
    std::size_t n = 0;
    for (auto& [tok, at] : st.access_tokens) {
      if (!provider.empty() && at.provider != provider) continue;
      at.expires_at = st.now() - 1;
      ++n;
    }
    return ok({{"expired", n}});
  });

  r.add_exact("POST", "/_emulator/revoke-grant", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b) return bad("body must be a JSON object");
    std::lock_guard lk(st.mu);
    std::string grant_id = str_field(*b, "grant_id");
    if (grant_id.empty()) {
      const std::string rt = str_field(*b, "refresh_token");
      const std::string at = str_field(*b, "access_token");
      if (auto it = st.refresh_tokens.find(rt); !rt.empty() && it != st.refresh_tokens.end())
        grant_id = it->second.grant_id;
      else if (auto it2 = st.access_tokens.find(at); !at.empty() && it2 != st.access_tokens.end()) {
        grant_id = it2->second.grant_id;
        if (grant_id.empty()) {
          it2->second.revoked = true;
          return ok({{"revoked", "access_token"}});
        }
      }
    }
    if (grant_id.empty() || !st.grants.count(grant_id)) return Response::json(404, {{"error", "unknown_grant"}});
    st.revoke_grant(grant_id);
    return ok({{"grant_id", grant_id}});
  });

  r.add_exact("GET", "/_emulator/grants", [&st](const Request&) {
    std::lock_guard lk(st.mu);
    json out = json::array();
    for (const auto& [id, g] : st.grants)
      out.push_back({{"grant_id", id},
                     {"provider", g.provider},
                     {"client_id", g.client_id},
                     {"scope", g.scope},
                     {"account_id", g.account_id},
                     {"email", g.email},
                     {"revoked", g.revoked}});
    return Response::json(200, out);
  });

  r.add_exact("POST", "/_emulator/tokens", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b) return bad("body must be a JSON object");
    const std::string provider = str_field(*b, "provider");
    std::lock_guard lk(st.mu);
    std::string client_id = str_field(*b, "client_id");
    const OAuthClient* client = nullptr;
    for (const auto& [id, c] : st.clients)
      if (c.provider == provider && (client_id.empty() || id == client_id)) {
        client = &c;
        break;
      }
    if (!client) return bad("unknown provider/client_id (providers: claude, openai, generic, github)");
    std::string scope = str_field(*b, "scope");
    if (scope.empty()) scope = client->default_scope;
    Grant& g = st.new_grant(provider, client->client_id, scope, str_field(*b, "account_id"), str_field(*b, "email"));
    const int saved_ttl = st.config.access_token_ttl_s;
    if (b->contains("expires_in") && (*b)["expires_in"].is_number_integer())
      st.config.access_token_ttl_s = (*b)["expires_in"].get<int>();
    TokenIssue t = st.issue(g, style_for_provider(provider), provider != "github");
    st.config.access_token_ttl_s = saved_ttl;
    json out = {{"grant_id", g.id},         {"access_token", t.access_token}, {"token_type", "Bearer"},
                {"expires_in", t.expires_in}, {"scope", scope},               {"account_id", g.account_id},
                {"email", g.email}};
    if (!t.refresh_token.empty()) out["refresh_token"] = t.refresh_token;
    if (!t.id_token.empty()) out["id_token"] = t.id_token;
    return Response::json(200, out);
  });

  r.add_exact("POST", "/_emulator/authorize", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b) return bad("body must be a JSON object");
    std::string provider = str_field(*b, "provider");
    ParamMap params;
    if (b->contains("url")) {
      if (!authorize_target(str_field(*b, "url"), &provider, &params)) return bad("url is not a known authorize endpoint");
    } else if (b->contains("params") && (*b)["params"].is_object()) {
      for (auto& [k, v] : (*b)["params"].items())
        if (v.is_string()) params.emplace(k, v.get<std::string>());
    } else {
      return bad("url or provider+params is required");
    }
    std::string decision = str_field(*b, "decision");
    if (decision.empty()) decision = "allow";
    if (decision != "allow" && decision != "deny") return bad("decision must be allow or deny");
    AuthorizeOutcome o = run_authorize(st, provider, params, decision);
    json out = {{"status", o.status}, {"provider", o.provider}};
    if (!o.location.empty()) out["location"] = o.location;
    if (!o.code.empty()) out["code"] = o.code;
    if (!o.state.empty()) out["state"] = o.state;
    if (!o.error.empty()) {
      out["error"] = o.error;
      out["error_description"] = o.error_description;
    }
    return Response::json(o.code.empty() ? 400 : 200, out);
  });

  r.add_exact("POST", "/_emulator/queue", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b) return bad("body must be a JSON object");
    const std::string route = str_field(*b, "route");
    if (route.empty() || route[0] != '/') return bad("route must be a path such as /api.anthropic.com/v1/messages");
    if (!b->contains("responses") || !(*b)["responses"].is_array()) return bad("responses must be an array");
    std::vector<QueuedResponse> items;
    std::string fixtures_dir;
    {
      std::lock_guard lk(st.mu);
      fixtures_dir = st.config.fixtures_dir;
    }
    for (const auto& e : (*b)["responses"]) {
      if (!e.is_object()) return bad("each response must be an object");
      QueuedResponse q;
      q.method = str_field(*b, "method");
      q.status = e.value("status", 200);
      if (q.status < 100 || q.status > 599) return bad("status must be 100..599");
      if (e.contains("headers")) {
        if (!e["headers"].is_object()) return bad("headers must be an object");
        for (auto& [k, v] : e["headers"].items()) q.headers.emplace(k, v.is_string() ? v.get<std::string>() : v.dump());
      }
      if (e.contains("body")) q.body = e["body"].is_string() ? e["body"].get<std::string>() : e["body"].dump();
      q.content_type = str_field(e, "content_type");
      q.fixture = str_field(e, "fixture");
      q.delay_ms = e.value("delay_ms", 0);
      q.chunk_delay_ms = e.value("chunk_delay_ms", 0);
      if (q.delay_ms < 0 || q.delay_ms > 60000 || q.chunk_delay_ms < 0 || q.chunk_delay_ms > 60000)
        return bad("delays must be 0..60000 ms");
      if (!q.fixture.empty()) {
        std::string err;
        if (!load_fixture(fixtures_dir, q.fixture, &err)) return bad(err);
      }
      items.push_back(std::move(q));
    }
    std::lock_guard lk(st.mu);
    auto& dq = st.queues[route];
    for (auto& q : items) dq.push_back(std::move(q));
    return ok({{"route", route}, {"queued", dq.size()}});
  });
  r.add_exact("GET", "/_emulator/queue", [&st](const Request&) {
    std::lock_guard lk(st.mu);
    json out = json::object();
    for (const auto& [route, dq] : st.queues) out[route] = dq.size();
    return Response::json(200, out);
  });
  r.add_exact("DELETE", "/_emulator/queue", [&st](const Request&) {
    std::lock_guard lk(st.mu);
    st.queues.clear();
    return ok();
  });

  r.add_exact("GET", "/_emulator/device", [&st](const Request&) {
    std::lock_guard lk(st.mu);
    json out = json::array();
    for (const auto& [dc, d] : st.devices)
      out.push_back({{"device_code", dc},
                     {"user_code", d.user_code},
                     {"client_id", d.client_id},
                     {"scope", d.scope},
                     {"status", device_status(d.status)},
                     {"interval", d.interval},
                     {"polls", d.polls},
                     {"expires_at", d.expires_at}});
    return Response::json(200, out);
  });
  r.add_exact("POST", "/_emulator/device/approve",
              [&st](const Request& req) { return device_decide(st, req, DeviceCode::Status::Approved); });
  r.add_exact("POST", "/_emulator/device/deny",
              [&st](const Request& req) { return device_decide(st, req, DeviceCode::Status::Denied); });

  r.add_exact("GET", "/_emulator/requests", [&st](const Request& req) {
    const std::string path = req.param("path");
    const std::string method = req.param("method");
    std::uint64_t since = 0;
    if (req.has_param("since")) since = std::strtoull(req.param("since").c_str(), nullptr, 10);
    std::lock_guard lk(st.mu);
    json out = json::array();
    for (const auto& e : st.log) {
      if (e.seq <= since) continue;
      if (!path.empty() && e.path != path) continue;
      if (!method.empty() && e.method != method) continue;
      out.push_back(log_entry_json(e));
    }
    return Response::json(200, out);
  });
  r.add_exact("DELETE", "/_emulator/requests", [&st](const Request&) {
    std::lock_guard lk(st.mu);
    st.log.clear();
    st.counters.clear();
    return ok();
  });
  r.add_exact("GET", "/_emulator/counters", [&st](const Request&) {
    std::lock_guard lk(st.mu);
    json out = json::object();
    for (const auto& [route, by_status] : st.counters) {
      std::uint64_t total = 0;
      json statuses = json::object();
      for (const auto& [status, n] : by_status) {
        statuses[std::to_string(status)] = n;
        total += n;
      }
      out[route] = {{"count", total}, {"status", statuses}};
    }
    return Response::json(200, out);
  });

  r.add_exact("GET", "/_emulator/api-keys", [&st](const Request&) {
    std::lock_guard lk(st.mu);
    json out = json::object();
    for (const auto& [p, keys] : st.api_keys) out[p] = keys;
    return Response::json(200, out);
  });
  r.add_exact("POST", "/_emulator/api-keys", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b) return bad("body must be a JSON object");
    const std::string provider = str_field(*b, "provider");
    const std::string key = str_field(*b, "key");
    if (provider.empty() || key.empty()) return bad("provider and key are required");
    std::lock_guard lk(st.mu);
    // "compat:<host>" with "header": that host expects its key in this header, not as a bearer.
    if (const std::string h = str_field(*b, "header"); !h.empty() && provider.starts_with("compat:")) {
      std::string lower;
      for (char c : h) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      st.compat_auth_headers[provider.substr(7)] = lower;
    }
    if (b->value("revoke", false))
      st.api_keys[provider].erase(key);
    else
      st.api_keys[provider].insert(key);
    return ok();
  });

  r.add_exact("POST", "/_emulator/oauth-clients", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b) return bad("body must be a JSON object");
    OAuthClient c;
    c.client_id = str_field(*b, "client_id");
    c.provider = str_field(*b, "provider");
    if (c.provider.empty()) c.provider = "generic";
    if (c.client_id.empty()) return bad("client_id is required");
    if (c.provider != "generic" && c.provider != "claude" && c.provider != "openai" && c.provider != "github")
      return bad("provider must be generic, claude, openai or github");
    c.client_secret = str_field(*b, "client_secret");
    c.default_scope = str_field(*b, "default_scope");
    if (b->contains("redirect_uris") && (*b)["redirect_uris"].is_array())
      for (const auto& u : (*b)["redirect_uris"])
        if (u.is_string()) c.redirect_uris.push_back(u.get<std::string>());
    if (b->contains("scopes") && (*b)["scopes"].is_array())
      for (const auto& s : (*b)["scopes"])
        if (s.is_string()) c.scopes.insert(s.get<std::string>());
    std::lock_guard lk(st.mu);
    st.clients[c.client_id] = c;
    return ok({{"client_id", c.client_id}});
  });
  r.add_exact("POST", "/_emulator/entra-apps", [&st](const Request& req) {
    auto b = body_object(req);
    if (!b) return bad("body must be a JSON object");
    EntraApp a{str_field(*b, "tenant"), str_field(*b, "client_id"), str_field(*b, "client_secret")};
    if (a.tenant.empty()) a.tenant = "*";
    if (a.client_id.empty()) return bad("client_id is required");
    std::lock_guard lk(st.mu);
    st.entra_apps.push_back(a);
    return ok();
  });
}

}  // namespace jemu
