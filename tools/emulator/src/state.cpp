#include "state.hpp"

#include <chrono>

namespace jemu {

namespace constants {
const char* const kClaudeClientId = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
const char* const kOpenAIClientId = "app_EMoamEEZ73f0CkXaXp7hrann";
const char* const kCopilotClientId = "Iv1.b507a08c87ecfe98";
}  // namespace constants

json config_to_json(const Config& c) {
  return {{"access_token_ttl_s", c.access_token_ttl_s},
          {"code_ttl_s", c.code_ttl_s},
          {"auto_approve", c.auto_approve},
          {"chunk_size", c.chunk_size},
          {"stream_chunk_delay_ms", c.stream_chunk_delay_ms},
          {"device_interval_s", c.device_interval_s},
          {"device_expires_in_s", c.device_expires_in_s},
          {"log_capacity", c.log_capacity},
          {"email", c.email},
          {"fixtures_dir", c.fixtures_dir}};
}

std::optional<std::string> apply_config(Config& c, const json& j) {
  if (!j.is_object()) return "config must be a JSON object";
  auto int_in = [&](const char* key, int lo, int hi, int& out) -> std::optional<std::string> {
    if (!j.contains(key)) return std::nullopt;
    const auto& v = j[key];
    if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
      return std::string(key) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    out = v.get<int>();
    return std::nullopt;
  };
  Config next = c;
  for (auto [key, lo, hi, field] : {std::tuple{"access_token_ttl_s", -86400, 86400 * 365, &next.access_token_ttl_s},
                                    std::tuple{"code_ttl_s", 0, 86400, &next.code_ttl_s},
                                    std::tuple{"stream_chunk_delay_ms", 0, 10000, &next.stream_chunk_delay_ms},
                                    std::tuple{"device_interval_s", 0, 3600, &next.device_interval_s},
                                    std::tuple{"device_expires_in_s", 1, 86400, &next.device_expires_in_s}}) {
    if (auto err = int_in(key, lo, hi, *field)) return err;
  }
  int tmp = 0;
  if (j.contains("chunk_size")) {
    if (auto err = int_in("chunk_size", 1, 1 << 20, tmp)) return err;
    next.chunk_size = static_cast<std::size_t>(tmp);
  }
  if (j.contains("log_capacity")) {
    if (auto err = int_in("log_capacity", 0, 100000, tmp)) return err;
    next.log_capacity = static_cast<std::size_t>(tmp);
  }
  if (j.contains("auto_approve")) {
    if (!j["auto_approve"].is_boolean()) return "auto_approve must be a boolean";
    next.auto_approve = j["auto_approve"].get<bool>();
  }
  if (j.contains("email")) {
    if (!j["email"].is_string()) return "email must be a string";
    next.email = j["email"].get<std::string>();
  }
  c = next;
  return std::nullopt;
}

TokenStyle style_for_provider(const std::string& provider) {
  if (provider == "claude") return TokenStyle::Claude;
  if (provider == "openai") return TokenStyle::OpenAI;
  if (provider == "github") return TokenStyle::GitHub;
  return TokenStyle::Generic;
}

State::State() : jwt_key(random_hex(32)) { reset(); }

std::int64_t State::now_ms() const {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return ms + offset_s_.load() * 1000;
}

void State::reset() {
  static std::atomic<std::uint64_t> next_epoch{0};
  epoch = ++next_epoch;
  config = initial_config;
  clients.clear();
  grants.clear();
  access_tokens.clear();
  refresh_tokens.clear();
  codes.clear();
  devices.clear();
  api_keys.clear();
  entra_apps.clear();
  queues.clear();
  log.clear();
  counters.clear();
  offset_s_ = 0;

  const std::string claude_scopes =
      "org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload";
  OAuthClient claude{"claude", constants::kClaudeClientId, "",
                     {"https://platform.claude.com/oauth/code/callback",
                      "https://console.anthropic.com/oauth/code/callback", "http://localhost/callback",
                      "http://127.0.0.1/callback"},
                     {},
                     claude_scopes};
  for (const auto& sc : split_ws(claude_scopes)) claude.scopes.insert(sc);
  clients[claude.client_id] = claude;

  const std::string openai_scopes = "openid profile email offline_access api.connectors.read api.connectors.invoke";
  OAuthClient openai{"openai", constants::kOpenAIClientId, "", {"http://localhost:1455/auth/callback"}, {},
                     openai_scopes};
  for (const auto& sc : split_ws(openai_scopes)) openai.scopes.insert(sc);
  clients[openai.client_id] = openai;

  clients["emulator-client"] = OAuthClient{
      "generic", "emulator-client", "", {"http://127.0.0.1/callback", "http://localhost/callback"}, {},
      "openid profile offline_access"};
  clients["emulator-confidential-client"] =
      OAuthClient{"generic", "emulator-confidential-client", "emulator-client-secret",
                  {"http://127.0.0.1/callback", "http://localhost/callback"}, {}, "openid profile offline_access"};
  clients[constants::kCopilotClientId] =
      OAuthClient{"github", constants::kCopilotClientId, "", {}, {}, "read:user"};

  api_keys["anthropic"] = {"sk-ant-api03-emulator-key"};
  api_keys["openai"] = {"sk-emulator-openai-key"};
  api_keys["azure"] = {"emulator-azure-key"};
  api_keys["compat"] = {"sk-emulator-compat-key"};
  entra_apps.push_back(EntraApp{"*", "00000000-0000-0000-0000-0000000e2a01", "emulator-entra-secret"});
}

Grant& State::new_grant(const std::string& provider, const std::string& client_id, const std::string& scope,
                        const std::string& account_id, const std::string& email) {
  Grant g;
  g.id = "grant_" + random_hex(8);
  g.provider = provider;
  g.client_id = client_id;
  g.scope = scope;
  g.email = email.empty() ? config.email : email;
  if (!account_id.empty())
    g.account_id = account_id;
  else if (provider == "github")
    g.account_id = "emulator-user";
  else {
    std::string h = random_hex(16);
    g.account_id = h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
                   h.substr(20, 12);
  }
  g.created = now();
  auto id = g.id;
  return grants[id] = std::move(g);
}

std::string State::add_access_token(const std::string& provider, const std::string& token, std::int64_t expires_at,
                                    const std::string& grant_id, const std::string& account_id) {
  AccessToken at;
  at.provider = provider;
  at.grant_id = grant_id;
  at.account_id = account_id;
  at.expires_at = expires_at;
  access_tokens[token] = at;
  return token;
}

TokenIssue State::issue(Grant& g, TokenStyle style, bool with_refresh) {
  TokenIssue t;
  t.expires_in = config.access_token_ttl_s;
  const std::int64_t iat = now();
  switch (style) {
    case TokenStyle::Claude:
      t.access_token = "sk-ant-oat01-" + random_alnum(88) + "AA";
      if (with_refresh) t.refresh_token = "sk-ant-ort01-" + random_alnum(88) + "AA";
      break;
    case TokenStyle::OpenAI: {
      const json auth = {{"chatgpt_account_id", g.account_id},
                         {"chatgpt_plan_type", "plus"},
                         {"chatgpt_user_id", "user-" + g.account_id.substr(0, 8)},
                         {"user_id", "user-" + g.account_id.substr(0, 8)}};
      json access = {{"iss", "https://auth.openai.com"},
                     {"aud", json::array({"https://api.openai.com/v1"})},
                     {"client_id", g.client_id},
                     {"iat", iat},
                     {"exp", iat + t.expires_in},
                     {"jti", random_hex(16)},
                     {"scp", split_ws(g.scope)},
                     {"sub", "emulator|" + g.account_id},
                     {"https://api.openai.com/auth", auth},
                     {"https://api.openai.com/profile", {{"email", g.email}, {"email_verified", true}}}};
      t.access_token = make_jwt(access, jwt_key);
      json id = {{"iss", "https://auth.openai.com"},
                 {"aud", json::array({g.client_id})},
                 {"iat", iat},
                 {"exp", iat + 3600},
                 {"jti", random_hex(16)},
                 {"sub", "emulator|" + g.account_id},
                 {"email", g.email},
                 {"email_verified", true},
                 {"https://api.openai.com/auth", auth}};
      t.id_token = make_jwt(id, jwt_key);
      if (with_refresh) t.refresh_token = "rt_" + random_alnum(64);
      break;
    }
    case TokenStyle::GitHub:
      t.access_token = "gho_" + random_alnum(36);
      t.expires_in = 0;  // GitHub OAuth-app style tokens do not expire
      break;
    case TokenStyle::Generic:
      t.access_token = "emu_at_" + random_hex(24);
      if (with_refresh) t.refresh_token = "emu_rt_" + random_hex(24);
      break;
  }
  add_access_token(g.provider, t.access_token, style == TokenStyle::GitHub ? 0 : iat + t.expires_in, g.id,
                   g.account_id);
  if (with_refresh) {
    if (!g.refresh_token.empty()) refresh_tokens[g.refresh_token].rotated = true;
    refresh_tokens[t.refresh_token] = RefreshRecord{g.id, false};
    g.refresh_token = t.refresh_token;
  }
  return t;
}

void State::revoke_grant(const std::string& grant_id) {
  auto it = grants.find(grant_id);
  if (it == grants.end()) return;
  it->second.revoked = true;
  for (auto& [tok, at] : access_tokens)
    if (at.grant_id == grant_id) at.revoked = true;
}

const AccessToken* State::valid_access(const std::string& token,
                                       std::initializer_list<const char*> providers) const {
  if (token.empty()) return nullptr;
  auto it = access_tokens.find(token);
  if (it == access_tokens.end()) return nullptr;
  const AccessToken& at = it->second;
  bool provider_ok = false;
  for (const char* p : providers) provider_ok = provider_ok || at.provider == p;
  if (!provider_ok || at.revoked) return nullptr;
  if (at.expires_at != 0 && now() >= at.expires_at) return nullptr;
  if (!at.grant_id.empty()) {
    auto g = grants.find(at.grant_id);
    if (g == grants.end() || g->second.revoked) return nullptr;
  }
  return &at;
}

bool State::has_api_key(const std::string& provider, const std::string& key) const {
  auto it = api_keys.find(provider);
  return !key.empty() && it != api_keys.end() && it->second.count(key) > 0;
}

}  // namespace jemu
