#include <jcode/auth/callback.hpp>
#include <jcode/text/text.hpp>

#include <algorithm>
#include <cctype>

namespace jcode::auth {

namespace {

std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    return text::trim_view(s.substr(1, s.size() - 2));
  return s;
}

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '~' || c == '/' || c == '+' || c == '=' || c == '%';
}

CallbackParams from_params(const text::FormFields& p) {
  CallbackParams out;
  out.code = text::form_value(p, "code").value_or("");
  out.state = text::form_value(p, "state").value_or("");
  out.error = text::form_value(p, "error").value_or("");
  out.error_description = text::form_value(p, "error_description").value_or("");
  return out;
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

Result<CallbackParams> parse_callback_input(std::string_view raw) {
  std::string_view in = unquote(text::trim_view(raw));
  if (in.empty())
    return Error{JCODE_E_INVALID_ARG,
                 "nothing was pasted: paste the full callback URL from the browser's address bar "
                 "(or the code the page shows)"};
  const bool is_url = in.starts_with("http://") || in.starts_with("https://");
  const bool is_query = in.front() == '?' || in.find("code=") != std::string_view::npos ||
                        in.find("error=") != std::string_view::npos;
  if (is_url || is_query) {
    std::string_view query, fragment, before = in;
    if (size_t h = in.find('#'); h != std::string_view::npos) {
      before = in.substr(0, h);
      fragment = in.substr(h + 1);
    }
    if (is_url) {
      if (size_t q = before.find('?'); q != std::string_view::npos) query = before.substr(q + 1);
    } else {
      query = !before.empty() && before.front() == '?' ? before.substr(1) : before;
    }
    CallbackParams out = from_params(text::form_decode(query));
    if (out.code.empty() && out.error.empty() && !fragment.empty())
      out = from_params(text::form_decode(fragment));
    if (out.code.empty() && out.error.empty())
      return Error{JCODE_E_INVALID_ARG,
                   "the pasted URL carries no authorization code (no code= parameter): copy the "
                   "whole address the browser was sent to after approving"};
    return out;
  }
  // "code#state" (the provider's manual page) or a bare code.
  if (!std::all_of(in.begin(), in.end(), [](char c) { return token_char(c) || c == '#'; }))
    return Error{JCODE_E_INVALID_ARG,
                 "the pasted text is neither a callback URL nor an authorization code"};
  CallbackParams out;
  size_t h = in.find('#');
  if (h == std::string_view::npos) {
    out.code = text::percent_decode(in);
  } else {
    out.code = text::percent_decode(in.substr(0, h));
    out.state = text::percent_decode(in.substr(h + 1));
  }
  if (out.code.empty())
    return Error{JCODE_E_INVALID_ARG, "the pasted text has no authorization code before '#'"};
  return out;
}

Status check_callback(const CallbackParams& p, std::string_view expected_state, PasteInput allowed) {
  if (!p.error.empty()) {
    std::string msg = "the authorization server refused the login: " + p.error;
    if (!p.error_description.empty()) msg += " (" + p.error_description + ")";
    return Error{JCODE_E_DENIED, msg};
  }
  if (p.code.empty()) return Error{JCODE_E_INVALID_ARG, "the callback carries no authorization code"};
  if (p.state.empty()) {
    if (allowed == PasteInput::any) return {};
    return Error{JCODE_E_INVALID_ARG,
                 "Please paste the full callback URL or query string so jcode can verify the "
                 "login state."};
  }
  if (!constant_time_equal(p.state, expected_state))
    return Error{JCODE_E_DENIED,
                 "OAuth state mismatch: this callback belongs to another login attempt. Retry "
                 "the latest login flow."};
  return {};
}

}  // namespace jcode::auth
