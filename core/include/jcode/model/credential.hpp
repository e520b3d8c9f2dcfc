// C++ mirrors of the ABI's credential-related data, used everywhere inside the core.
// The plugin bridge (jcode::plugins) converts between these and the C structs of
// jcode/plugin.h; nothing else in the core touches the C structs.
#pragma once

#include <jcode/plugin.h>

#include <cstdint>
#include <string>

namespace jcode::model {

enum class CredentialKind : int32_t {
  oauth = JCODE_CRED_OAUTH,
  api_key = JCODE_CRED_API_KEY,
  session = JCODE_CRED_SESSION,
  bearer = JCODE_CRED_BEARER,
};

// Secret-bearing: never log it whole; use jcode::log redaction for its token fields.
struct Credential {
  CredentialKind kind = CredentialKind::oauth;
  std::string access_token;   // or the API key
  std::string refresh_token;  // optional
  std::string id_token;       // optional
  int64_t expires_at_ms = 0;  // 0 = unknown / never
  std::string account_id;
  std::string email;
  std::string extra;          // plugin-private JSON object text
  std::string source_id;      // where the host found it
};

}  // namespace jcode::model
