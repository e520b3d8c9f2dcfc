// Everything the OpenAI transport decides before and after the HTTP call, as pure functions:
// ChatGPT-subscription or API-key mode, the Responses URL (OPENAI_BASE_URL in key mode), the
// headers, the body options, and the user-facing meaning of an HTTP failure.
#pragma once

#include <jcode/plugin.h>
#include <jcode/support/openai_error.hpp>
#include <jcode/support/stream_send.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::openai {

enum class Mode { chatgpt, api_key };

// A subscription credential (a refresh token or an id_token present) talks to the ChatGPT
// Codex backend; a key, or a bare access token, to the platform API.
Mode mode_for(int32_t cred_kind, std::string_view refresh_token, std::string_view id_token);

// "" when OPENAI_BASE_URL is acceptable (https://, or http:// to this machine, no
// user:password@), else the message naming OPENAI_BASE_URL and the fix.
std::string check_base_url(std::string_view url);

struct Origins {
  std::string chatgpt;  // endpoint openai.chatgpt: https://chatgpt.com
  std::string api;      // endpoint openai.api: https://api.openai.com
  std::optional<std::string> base_url;  // OPENAI_BASE_URL, when set
};

struct Prepared {
  std::string url, body;
  support::Headers headers;  // includes the credential (wiped when Prepared is dropped)
  jcode_status status = JCODE_OK;
  std::string error;  // with status: why nothing can be sent
};

struct CredentialView {
  int32_t kind = JCODE_CRED_OAUTH;
  std::string_view access, refresh, id_token, account_id;
};

Prepared prepare(const CredentialView& cred, std::string_view conversation, std::string_view model,
                 const Origins& origins);

using support::Failure;

// How failures of a mode read: "ChatGPT"/"OpenAI", and the fix (re-run `jcode login
// --provider openai`, check OPENAI_API_KEY / OPENAI_BASE_URL).
support::Wording wording(Mode mode);

// The non-2xx answer of the Responses endpoint, as the status to return and the message.
// 401/403 → JCODE_E_AUTH_EXPIRED (the host refreshes once and retries; the message tells the
// user to re-run `jcode login --provider openai` when that did not help).
Failure classify(int32_t http_status, std::string_view body, Mode mode);

}  // namespace jcode::openai
