// Chat Completions (OpenAI, Azure OpenAI v1, GitHub Copilot, any OpenAI-compatible host) and
// Azure identity: the Entra token endpoint and the managed-identity (IMDS) endpoint.
#include <set>

#include "modules.hpp"
#include "scripted_model.hpp"
#include "sse.hpp"

namespace jemu {

namespace {

const char* const kCognitive = "https://cognitiveservices.azure.com";

Response openai_error(int status, const std::string& message, const std::string& type, const json& code) {
  return Response::json(status, {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}});
}

std::string validate_chat(const json& body) {
  if (!body.contains("model") || !body["model"].is_string()) return "you must provide a model parameter";
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty())
    return "Missing required parameter: 'messages'.";
  if (body.contains("stream") && !body["stream"].is_boolean()) return "Invalid type for 'stream': expected a boolean.";
  if (body.contains("tools")) {
    if (!body["tools"].is_array()) return "Invalid type for 'tools': expected an array.";
    for (std::size_t i = 0; i < body["tools"].size(); ++i) {
      const json& t = body["tools"][i];
      if (!t.is_object() || t.value("type", "") != "function" || !t.contains("function") ||
          !t["function"].is_object() || !t["function"].contains("name") || !t["function"]["name"].is_string())
        return "Missing required parameter: 'tools[" + std::to_string(i) + "].function.name'.";
    }
  }
  const json& msgs = body["messages"];
  std::set<std::string> open_calls;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const json& m = msgs[i];
    const std::string at = "messages[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) return "Missing required parameter: '" + at + ".role'.";
    const std::string role = m["role"].get<std::string>();
    if (role == "tool") {
      if (!m.contains("tool_call_id") || !m["tool_call_id"].is_string())
        return "Missing required parameter: '" + at + ".tool_call_id'.";
      if (!open_calls.erase(m["tool_call_id"].get<std::string>()))
        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with "
               "'tool_calls'.";
      continue;
    }
    if (!open_calls.empty()) {
      return "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
             "'tool_call_id'. The following tool_call_ids did not have response messages: " +
             *open_calls.begin();
    }
    if (role != "system" && role != "developer" && role != "user" && role != "assistant")
      return "Invalid value: '" + role + "'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.";
    if (role == "assistant" && m.contains("tool_calls") && m["tool_calls"].is_array()) {
      for (const auto& c : m["tool_calls"]) {
        if (!c.is_object() || !c.contains("id") || !c["id"].is_string() || !c.contains("function"))
          return "Missing required parameter: '" + at + ".tool_calls[].id'.";
        open_calls.insert(c["id"].get<std::string>());
      }
    } else if (!m.contains("content")) {
      return "Missing required parameter: '" + at + ".content'.";
    }
  }
  return {};
}

Conversation conversation_of(const json& body) {
  Conversation c;
  if (body.contains("tools"))
    for (const auto& t : body["tools"]) c.tool_names.push_back(t["function"]["name"].get<std::string>());
  const json& msgs = body["messages"];
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const json& m = msgs[i];
    const bool last = i + 1 == msgs.size();
    if (m["role"] == "user" && m.contains("content")) {
      std::string t = content_text(m["content"]);
      if (!t.empty()) c.last_user_text = t;
    }
    if (last) {
      c.last_is_tool_result = m["role"] == "tool";
      if (c.last_is_tool_result && m.contains("content")) c.tool_result_text = content_text(m["content"]);
    }
  }
  return c;
}

Response chat_reply(State& st, const json& body, const ModelReply& m) {
  std::size_t chunk = 16;
  int delay = 0;
  {
    std::lock_guard lk(st.mu);
    chunk = st.config.chunk_size;
    delay = st.config.stream_chunk_delay_ms;
  }
  const std::string id = "chatcmpl-emu" + random_alnum(24);
  const std::string call_id = "call_emu_" + random_alnum(24);
  const std::string args = m.tool_input.dump();
  const std::int64_t created = unix_now_s();
  const int in_tokens = static_cast<int>(body.dump().size() / 4) + 1;
  const int out_tokens = static_cast<int>((m.tool_call ? args.size() : m.text.size()) / 4) + 1;
  const json usage = {{"prompt_tokens", in_tokens}, {"completion_tokens", out_tokens}, {"total_tokens", in_tokens + out_tokens}};
  const std::string finish = m.tool_call ? "tool_calls" : "stop";
  if (!body.value("stream", false)) {
    json msg = {{"role", "assistant"}, {"content", m.tool_call ? json(nullptr) : json(m.text)}, {"refusal", nullptr}};
    if (m.tool_call)
      msg["tool_calls"] = json::array(
          {{{"id", call_id}, {"type", "function"}, {"function", {{"name", m.tool_name}, {"arguments", args}}}}});
    return Response::json(200, {{"id", id},
                                {"object", "chat.completion"},
                                {"created", created},
                                {"model", body["model"]},
                                {"system_fingerprint", "fp_emulator"},
                                {"choices", json::array({{{"index", 0}, {"message", msg}, {"logprobs", nullptr},
                                                          {"finish_reason", finish}}})},
                                {"usage", usage}});
  }
  const bool include_usage = body.contains("stream_options") && body["stream_options"].is_object() &&
                             body["stream_options"].value("include_usage", false);
  std::vector<std::string> ev;
  auto emit = [&](const json& delta, const json& finish_reason) {
    json c = {{"id", id},
              {"object", "chat.completion.chunk"},
              {"created", created},
              {"model", body["model"]},
              {"system_fingerprint", "fp_emulator"},
              {"choices", json::array({{{"index", 0}, {"delta", delta}, {"logprobs", nullptr}, {"finish_reason", finish_reason}}})}};
    if (include_usage) c["usage"] = nullptr;
    ev.push_back(sse_data(c));
  };
  if (body.dump().find("EMULATOR_STREAM_ERROR") != std::string::npos) {
    emit({{"role", "assistant"}, {"content", ""}}, nullptr);
    ev.push_back(sse_data({{"error", {{"message", "The server had an error while processing your request."},
                                      {"type", "server_error"}, {"param", nullptr}, {"code", nullptr}}}}));
  } else {
    if (m.tool_call) {
      emit({{"role", "assistant"},
            {"content", nullptr},
            {"tool_calls", json::array({{{"index", 0}, {"id", call_id}, {"type", "function"},
                                         {"function", {{"name", m.tool_name}, {"arguments", ""}}}}})}},
           nullptr);
      for (const auto& piece : utf8_chunks(args, chunk))
        emit({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", piece}}}}})}}, nullptr);
    } else {
      emit({{"role", "assistant"}, {"content", ""}}, nullptr);
      for (const auto& piece : utf8_chunks(m.text, chunk)) emit({{"content", piece}}, nullptr);
    }
    emit(json::object(), finish);
    if (include_usage)
      ev.push_back(sse_data({{"id", id},
                             {"object", "chat.completion.chunk"},
                             {"created", created},
                             {"model", body["model"]},
                             {"system_fingerprint", "fp_emulator"},
                             {"choices", json::array()},
                             {"usage", usage}}));
    ev.push_back(sse_done());
  }
  Response r = Response::sse(std::move(ev));
  r.chunk_delay_ms = delay;
  return r;
}

Response chat_common(State& st, const Request& req) {
  auto body = parse_json_object(req.body);
  if (!body) return openai_error(400, "We could not parse the JSON body of your request.", "invalid_request_error", nullptr);
  if (auto err = validate_chat(*body); !err.empty()) return openai_error(400, err, "invalid_request_error", nullptr);
  return chat_reply(st, *body, scripted_reply(conversation_of(*body)));
}

Response openai_key_check(State& st, const Request& req, const std::string& provider) {
  const std::string key = req.bearer();
  std::lock_guard lk(st.mu);
  if (key.empty())
    return openai_error(401, "You didn't provide an API key.", "invalid_request_error", nullptr);
  if (!st.has_api_key(provider, key) && !(provider == "compat" && st.has_api_key("openai", key)))
    return openai_error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
  return Response{0};
}

// An OpenAI-compatible host (req.captures[0]). A local server (LM Studio, Ollama) takes any
// request, as the real ones do. A remote one wants one of its keys — the keys registered as
// "compat:<host>" when there are any, else the shared "compat" set — in the header it
// expects: Authorization: Bearer unless the host was registered with a header of its own.
Response compat_key_check(State& st, const Request& req) {
  const std::string host = req.captures.empty() ? std::string() : req.captures[0];
  const std::string name = host.substr(0, host.find(':'));
  if (name == "localhost" || name == "127.0.0.1") return Response{0};
  std::lock_guard lk(st.mu);
  const std::string scoped = "compat:" + host;
  auto own = st.api_keys.find(scoped);
  const bool own_keys = own != st.api_keys.end() && !own->second.empty();
  auto hdr = st.compat_auth_headers.find(host);
  const bool bearer = hdr == st.compat_auth_headers.end();
  const std::string key = bearer ? req.bearer() : req.header(hdr->second);
  if (key.empty())
    return openai_error(401, bearer ? "You didn't provide an API key." : "Missing " + hdr->second + " header.",
                        "invalid_request_error", nullptr);
  const bool known = own_keys ? st.has_api_key(scoped, key)
                              : st.has_api_key("compat", key) || st.has_api_key("openai", key);
  if (!known) return openai_error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
  return Response{0};
}

Response azure_chat(State& st, const Request& req) {
  {
    std::lock_guard lk(st.mu);
    if (req.has_header("api-key")) {
      if (!st.has_api_key("azure", req.header("api-key")))
        return Response::json(401, {{"error", {{"code", "401"},
                                               {"message", "Access denied due to invalid subscription key or wrong API "
                                                           "endpoint. Make sure to provide a valid key for an active "
                                                           "subscription and use a correct regional API endpoint for "
                                                           "your resource."}}}});
    } else {
      const AccessToken* at = st.valid_access(req.bearer(), {"entra"});
      if (!at || at->account_id != kCognitive)
        return Response::json(401, {{"error", {{"code", "PermissionDenied"},
                                               {"message", "Unauthorized. Access token is missing, invalid, audience is "
                                                           "incorrect (https://cognitiveservices.azure.com), or have "
                                                           "expired."}}}});
    }
  }
  return chat_common(st, req);
}

Response copilot_chat(State& st, const Request& req) {
  {
    std::lock_guard lk(st.mu);
    if (!st.valid_access(req.bearer(), {"copilot"}))
      return Response::text(401, "unauthorized: token expired or invalid\n");
  }
  if (req.header("Editor-Version").empty())
    return Response::text(400, "bad request: missing Editor-Version header for IDE auth\n");
  if (req.header("Copilot-Integration-Id").empty())
    return Response::text(400, "bad request: missing Copilot-Integration-Id header\n");
  return chat_common(st, req);
}

// ---- Entra ID ----

Response aad_error(int status, const std::string& error, int code, const std::string& desc) {
  const std::string trace = random_hex(4) + "-" + random_hex(2) + "-" + random_hex(2) + "-" + random_hex(2) + "-" + random_hex(6);
  return Response::json(status, {{"error", error},
                                 {"error_description", "AADSTS" + std::to_string(code) + ": " + desc + " Trace ID: " + trace},
                                 {"error_codes", json::array({code})},
                                 {"trace_id", trace},
                                 {"correlation_id", trace}});
}

std::string mint_entra(State& st, const std::string& tenant, const std::string& client_id, const std::string& audience,
                       int ttl) {
  const std::int64_t iat = st.now();
  json claims = {{"aud", audience},
                 {"iss", "https://sts.windows.net/" + tenant + "/"},
                 {"iat", iat},
                 {"nbf", iat},
                 {"exp", iat + ttl},
                 {"appid", client_id},
                 {"tid", tenant},
                 {"oid", "emulator-" + client_id},
                 {"jti", random_hex(12)}};
  std::string token = make_jwt(claims, st.jwt_key);
  st.add_access_token("entra", token, iat + ttl, "", audience);
  return token;
}

Response entra_token(State& st, const Request& req) {
  const std::string tenant = req.captures.at(0);
  if (req.media_type() != "application/x-www-form-urlencoded")
    return aad_error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
  auto p = parse_form(req.body);
  if (p["grant_type"] != "client_credentials")
    return aad_error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + p["grant_type"] + "'.");
  std::lock_guard lk(st.mu);
  const EntraApp* app = nullptr;
  for (const auto& a : st.entra_apps)
    if (a.client_id == p["client_id"] && (a.tenant == "*" || a.tenant == tenant)) app = &a;
  if (!app)
    return aad_error(400, "unauthorized_client", 700016,
                     "Application with identifier '" + p["client_id"] + "' was not found in the directory '" + tenant + "'.");
  const std::string scope = p["scope"];
  const std::string suffix = "/.default";
  if (scope.size() <= suffix.size() || scope.compare(scope.size() - suffix.size(), suffix.size(), suffix) != 0)
    return aad_error(400, "invalid_scope", 1002012,
                     "The provided value for scope " + scope +
                         " is not valid. Client credential flows must have a scope value with /.default suffixed to "
                         "the resource identifier (application ID URI).");
  const std::string audience = scope.substr(0, scope.size() - suffix.size());
  if (p.count("client_assertion") || p.count("client_assertion_type")) {
    if (p["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return aad_error(400, "invalid_request", 50027, "Invalid client_assertion_type.");
    auto claims = jwt_payload(p["client_assertion"]);
    bool aud_ok = false;
    if (claims && claims->contains("aud")) {
      const json& aud = (*claims)["aud"];
      aud_ok = aud == "api://AzureADTokenExchange" ||
               (aud.is_array() && std::find(aud.begin(), aud.end(), json("api://AzureADTokenExchange")) != aud.end());
    }
    if (!claims || !aud_ok)
      return aad_error(400, "invalid_client", 70021, "No matching federated identity record found for presented assertion.");
    if (!claims->contains("exp") || !(*claims)["exp"].is_number() || (*claims)["exp"].get<std::int64_t>() <= st.now())
      return aad_error(400, "invalid_client", 700024, "Client assertion is not within its valid time range.");
  } else if (p.count("client_secret")) {
    if (p["client_secret"] != app->client_secret)
      return aad_error(401, "invalid_client", 7000215, "Invalid client secret provided.");
  } else {
    return aad_error(401, "invalid_client", 7000218,
                     "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  const int ttl = st.config.access_token_ttl_s;
  std::string token = mint_entra(st, tenant, app->client_id, audience, ttl);
  return Response::json(200, {{"token_type", "Bearer"}, {"expires_in", ttl}, {"ext_expires_in", ttl}, {"access_token", token}});
}

Response imds_token(State& st, const Request& req) {
  if (to_lower(req.header("Metadata")) != "true")
    return Response::json(400, {{"error", "invalid_request"}, {"error_description", "Required metadata header not specified"}});
  if (req.param("api-version").empty())
    return Response::json(400, {{"error", "invalid_request"}, {"error_description", "Required query variable 'api-version' is missing"}});
  std::string resource = req.param("resource");
  if (resource.empty())
    return Response::json(400, {{"error", "invalid_request"}, {"error_description", "Required audience parameter not specified"}});
  while (!resource.empty() && resource.back() == '/') resource.pop_back();
  std::lock_guard lk(st.mu);
  const int ttl = st.config.access_token_ttl_s;
  const std::string client_id = req.param("client_id").empty() ? "00000000-0000-0000-0000-00000000a11d" : req.param("client_id");
  std::string token = mint_entra(st, "emulator-tenant", client_id, resource, ttl);
  const std::int64_t now = st.now();
  return Response::json(200, {{"access_token", token},
                              {"client_id", client_id},
                              {"expires_in", std::to_string(ttl)},
                              {"expires_on", std::to_string(now + ttl)},
                              {"ext_expires_in", std::to_string(ttl)},
                              {"not_before", std::to_string(now)},
                              {"resource", req.param("resource")},
                              {"token_type", "Bearer"}});
}

Response models_list() {
  return Response::json(200, {{"object", "list"},
                              {"data", json::array({{{"id", "emulator-model"}, {"object", "model"}, {"created", 0},
                                                     {"owned_by", "jcode-emulator"}}})}});
}

}  // namespace

void register_chat_azure(Router& r, State& st) {
  r.add_exact("POST", "/api.openai.com/v1/chat/completions", [&st](const Request& req) {
    Response auth = openai_key_check(st, req, "openai");
    return auth.status ? auth : chat_common(st, req);
  });
  r.add("POST", R"(/([A-Za-z0-9-]+\.(?:openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com))/openai/v1/chat/completions)",
        [&st](const Request& req) { return azure_chat(st, req); });
  r.add_exact("POST", "/api.githubcopilot.com/chat/completions", [&st](const Request& req) { return copilot_chat(st, req); });
  r.add_exact("GET", "/api.githubcopilot.com/models", [&st](const Request& req) {
    std::lock_guard lk(st.mu);
    if (!st.valid_access(req.bearer(), {"copilot"})) return Response::text(401, "unauthorized: token expired or invalid\n");
    return models_list();
  });
  r.add("POST", R"(/login\.microsoftonline\.com/([^/]+)/oauth2/v2\.0/token)",
        [&st](const Request& req) { return entra_token(st, req); });
  r.add_exact("GET", "/169.254.169.254/metadata/identity/oauth2/token",
              [&st](const Request& req) { return imds_token(st, req); });
  // Any other OpenAI-compatible host: /<host>/.../chat/completions and /<host>/.../models.
  r.add("POST", R"(/([^/_][^/]*)(?:/.*)?/chat/completions)", [&st](const Request& req) {
    Response auth = compat_key_check(st, req);
    return auth.status ? auth : chat_common(st, req);
  });
  r.add("GET", R"(/([^/_][^/]*)(?:/.*)?/models)", [&st](const Request& req) {
    Response auth = compat_key_check(st, req);
    return auth.status ? auth : models_list();
  });
}

}  // namespace jemu
