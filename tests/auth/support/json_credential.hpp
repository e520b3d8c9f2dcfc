// A minimal own-store format for the tests ({"access_token","refresh_token","expires_at_ms"}
// in <jcode home>/auth.json), standing in for a plugin's parse/serialize.
#pragma once

#include <jcode/auth/refresh.hpp>
#include <jcode/auth/store.hpp>

#include <nlohmann/json.hpp>

namespace jcode::test {

inline model::SourceDecl test_store_source() {
  model::SourceDecl s;
  s.kind = model::SourceKind::jcode_file;
  s.id = "jcode_test_auth";
  s.location = "auth.json";
  s.label = "jcode";
  s.flags = JCODE_SOURCE_F_LOGIN_TARGET;
  return s;
}

inline std::string serialize_credential(const model::Credential& c) {
  return nlohmann::json{{"access_token", c.access_token},
                        {"refresh_token", c.refresh_token},
                        {"expires_at_ms", c.expires_at_ms}}
      .dump();
}

inline Result<std::optional<model::Credential>> load_credential(const auth::CredentialStore& store) {
  auto text = store.read(test_store_source());
  if (!text) return text.error();
  if (!*text) return std::optional<model::Credential>{};
  auto j = nlohmann::json::parse(**text);
  model::Credential c;
  c.access_token = j.value("access_token", "");
  c.refresh_token = j.value("refresh_token", "");
  c.expires_at_ms = j.value("expires_at_ms", int64_t{0});
  c.source_id = "jcode_test_auth";
  return std::optional<model::Credential>(c);
}

// A refresh target for the emulator's Claude OAuth server, stored in store.
inline auth::RefreshTarget claude_target(const auth::CredentialStore& store, const std::string& token_url) {
  auth::RefreshTarget t;
  t.provider = "claude";
  t.display = "Claude";
  t.token_url = token_url;
  t.client_id = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
  t.body = model::TokenBody::json;
  t.refresh_scopes = "user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload";
  t.load = [&store] { return load_credential(store); };
  t.save = [&store](const model::Credential& c) { return store.write(test_store_source(), serialize_credential(c)); };
  return t;
}

}  // namespace jcode::test
