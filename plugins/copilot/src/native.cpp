#include "native.hpp"

#include <jcode/support/chat_send.hpp>
#include <jcode/support/json_file.hpp>
#include <jcode/support/openai_error.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace jcode::copilot {
namespace {

constexpr const char* kUserAgent = "jcode/1.0";
constexpr int64_t kRenewBeforeMs = 60'000;

std::string request_id(const plugin::Host& host) {
  unsigned char b[16] = {};
  host.random_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

// "agent" once the conversation holds an assistant turn (a tool loop), else "user".
std::string initiator(std::string_view conversation) {
  return conversation.find("\"role\":\"assistant\"") != std::string_view::npos ? "agent" : "user";
}

}  // namespace

NativeSession::~NativeSession() { forget(); }

void NativeSession::forget() {
  for (std::string* s : {&token_, &for_github_}) {
    for (char& c : *s) c = '\0';
    s->clear();
  }
  expires_at_ms_ = 0;
}

jcode_status NativeSession::exchange(std::string_view github_token) {
  auto url = host_.endpoint_url("token_exchange");
  if (!url) return JCODE_E_INVALID_ARG;
  support::Headers h{{"accept", "application/json"},
                     {"authorization", "token " + std::string(github_token)},
                     {"user-agent", kUserAgent}};
  std::vector<jcode_kv> kv = plugin::kv_list(h.items());
  plugin::BufferedResponse resp;
  // The host retries connection failures and 5xx with backoff; a 4xx is final.
  jcode_http_request req = plugin::http_request("GET", *url, kv, "", JCODE_HTTP_F_RETRY);
  if (jcode_status st = host_.http(req, resp.sink()); st != JCODE_OK) return st;
  nlohmann::json body;
  const std::string bad = support::parse_json_object(resp.body(), body);
  const int status = resp.status();
  if (status == 401 || status == 403 || status == 404) {
    std::string why = bad.empty() ? support::json_string(body, "message") : "";
    return host_.error(JCODE_E_AUTH_EXPIRED,
                       "GitHub refused a Copilot token for this GitHub login (" + std::to_string(status) +
                           (why.empty() ? "" : ": " + why) +
                           "); the account needs a Copilot subscription — run `jcode login --provider copilot` "
                           "with one, or check the token jcode found (`jcode auth status`)");
  }
  if (status < 200 || status >= 300)
    return host_.error(JCODE_E_SERVER, "the Copilot token exchange answered " + std::to_string(status));
  const std::string token = bad.empty() ? support::json_string(body, "token") : "";
  const int64_t expires = bad.empty() ? support::json_int(body, "expires_at") : 0;
  if (token.empty() || expires <= 0)
    return host_.error(JCODE_E_PROTOCOL, "the Copilot token exchange answered without a token or expires_at");
  host_.add_secret(token);
  forget();
  token_ = token;
  for_github_ = std::string(github_token);
  expires_at_ms_ = expires * 1000;
  return JCODE_OK;
}

jcode_status NativeSession::send(std::string_view github_token, const std::string& model,
                                 std::string_view conversation, const jcode_event_sink& events) {
  auto base = host_.endpoint_url("api");
  if (!base) return JCODE_E_INVALID_ARG;
  for (int attempt = 0;; ++attempt) {
    if (token_.empty() || for_github_ != github_token || host_.now_ms() + kRenewBeforeMs >= expires_at_ms_)
      if (jcode_status st = exchange(github_token); st != JCODE_OK) return st;
    support::chat_completions::Target t;
    t.url = *base + "/chat/completions";
    t.auth.add("Authorization", "Bearer " + token_);
    t.auth.add("Editor-Version", kUserAgent);
    t.auth.add("Editor-Plugin-Version", kUserAgent);
    t.auth.add("Copilot-Integration-Id", "vscode-chat");
    t.auth.add("Openai-Intent", "conversation-panel");
    t.auth.add("Openai-Organization", "github-copilot");
    t.auth.add("X-GitHub-Api-Version", "2025-04-01");
    t.auth.add("X-Initiator", initiator(conversation));
    t.auth.add("X-Request-Id", request_id(host_));
    t.auth.add("User-Agent", kUserAgent);
    t.model = model;
    support::Wording w;
    w.service = "GitHub Copilot";
    w.credential = "the Copilot token";
    w.auth_fix = "run `jcode login --provider copilot` again";
    w.not_found_fix = "check the model name (-m); `JCODE_COPILOT_MODEL` sets the default";
    t.rules = support::openai_rules(w, "the Copilot stream ended before [DONE]");
    jcode_status st = support::chat_completions::send(host_, std::move(t), conversation, events);
    // A Copilot token can be revoked before it expires: one fresh exchange, then give up.
    if (st == JCODE_E_AUTH_EXPIRED && attempt == 0) {
      forget();
      continue;
    }
    return st;
  }
}

}  // namespace jcode::copilot
