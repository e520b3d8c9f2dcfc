#include "transport.hpp"

#include "jwt.hpp"

#include <jcode/support/openai_error.hpp>
#include <jcode/support/responses.hpp>

#include <cctype>

namespace jcode::openai {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool loopback_host(std::string_view host) {
  std::string h = lower(host);
  if (h == "localhost" || h == "[::1]" || h == "::1") return true;
  if (h.rfind("127.", 0) != 0) return false;
  for (char c : h.substr(4))
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
  return true;
}

std::string trim_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

Mode mode_for(int32_t cred_kind, std::string_view refresh_token, std::string_view id_token) {
  if (cred_kind == JCODE_CRED_API_KEY) return Mode::api_key;
  return (!refresh_token.empty() || !id_token.empty()) ? Mode::chatgpt : Mode::api_key;
}

std::string check_base_url(std::string_view url) {
  const std::string fix = "; set it to an https:// URL such as https://api.openai.com/v1, or unset it";
  std::string l = lower(url);
  size_t scheme_end = l.find("://");
  if (scheme_end == std::string::npos || (l.compare(0, scheme_end, "https") != 0 && l.compare(0, scheme_end, "http") != 0))
    return "OPENAI_BASE_URL must start with https://" + fix;
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos)
    return "OPENAI_BASE_URL contains user:password@; jcode sends the key in a header, remove it from the URL";
  if (authority.empty()) return "OPENAI_BASE_URL has no host" + fix;
  if (url.find('#') != std::string_view::npos) return "OPENAI_BASE_URL has a #fragment" + fix;
  if (l.compare(0, scheme_end, "http") == 0) {
    std::string_view host = authority;
    if (!host.empty() && host[0] == '[') host = host.substr(0, host.find(']') + 1);
    else host = host.substr(0, host.find(':'));
    if (!loopback_host(host))
      return "OPENAI_BASE_URL uses plain http:// to another machine, which would expose the API key; use https://, "
             "or http:// only to 127.0.0.1, ::1 or localhost";
  }
  return {};
}

Prepared prepare(const CredentialView& cred, std::string_view conversation, std::string_view model,
                 const Origins& origins) {
  Prepared p;
  auto fail = [&p](jcode_status st, std::string msg) {
    Prepared f;  // nothing of the credential in a refusal
    f.status = st;
    f.error = std::move(msg);
    return f;
  };
  if (cred.access.empty())
    return fail(JCODE_E_AUTH_REQUIRED, "no OpenAI credentials; run `jcode login --provider openai` or set OPENAI_API_KEY");
  const Mode mode = mode_for(cred.kind, cred.refresh, cred.id_token);

  support::responses::BuildOptions o;
  o.model = std::string(model);
  o.stream = true;
  o.store = false;  // jcode sends the whole history each turn; nothing needs to be kept server-side
  o.parallel_tool_calls = false;
  if (mode == Mode::chatgpt) {
    // The Codex backend insists on instructions and rejects max_output_tokens.
    o.send_max_output_tokens = false;
    o.include = {"reasoning.encrypted_content"};
    o.default_instructions = "You are a helpful assistant.";
  }
  auto built = support::responses::build_request(conversation, o);
  if (!built.error.empty()) return fail(JCODE_E_INVALID_ARG, built.error);
  p.body = std::move(built.body);

  p.headers.add("content-type", "application/json");
  p.headers.add("accept", "text/event-stream");
  p.headers.add("Authorization", "Bearer " + std::string(cred.access));
  if (mode == Mode::chatgpt) {
    std::string account(cred.account_id);
    if (account.empty() && !cred.id_token.empty()) account = chatgpt_account_id(cred.id_token);
    if (account.empty()) account = chatgpt_account_id(cred.access);
    if (account.empty())
      return fail(JCODE_E_AUTH_REQUIRED,
                  "the ChatGPT credential carries no account id (id_token claim https://api.openai.com/auth → "
                  "chatgpt_account_id); re-run `jcode login --provider openai`");
    p.headers.add("originator", "codex_cli_rs");
    p.headers.add("chatgpt-account-id", account);
    p.url = trim_slashes(origins.chatgpt) + "/backend-api/codex/responses";
    return p;
  }
  if (origins.base_url && !origins.base_url->empty()) {
    if (std::string err = check_base_url(*origins.base_url); !err.empty()) return fail(JCODE_E_INVALID_ARG, err);
    std::string base = trim_slashes(*origins.base_url);
    if (base.size() >= 10 && base.compare(base.size() - 10, 10, "/responses") == 0) base.resize(base.size() - 10);
    p.url = base + "/responses";
  } else {
    p.url = trim_slashes(origins.api) + "/v1/responses";
  }
  return p;
}

support::Wording wording(Mode mode) {
  support::Wording w;
  w.service = mode == Mode::chatgpt ? "ChatGPT" : "OpenAI";
  w.credential = "the credential";
  w.auth_fix = mode == Mode::chatgpt ? "re-run `jcode login --provider openai`"
                                     : "check OPENAI_API_KEY, or re-run `jcode login --provider openai`";
  w.not_found_fix = mode == Mode::chatgpt ? "check the model name" : "check the model name and OPENAI_BASE_URL";
  return w;
}

Failure classify(int32_t http_status, std::string_view body, Mode mode) {
  return support::classify_http(http_status, body, wording(mode));
}

}  // namespace jcode::openai
