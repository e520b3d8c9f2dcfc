// What comes back from the authorization server: the redirect to the loopback listener, or
// what the user pastes (full callback URL, query string, "code#state", or a bare code).
#pragma once

#include <jcode/error.hpp>

#include <string>
#include <string_view>

namespace jcode::auth {

struct CallbackParams {
  std::string code;
  std::string state;              // empty when the input carried none
  std::string error;              // error= of RFC 6749 §4.1.2.1
  std::string error_description;
};

// What a paste (or --callback-url / --auth-code) may be.
enum class PasteInput {
  callback_url,   // a URL or query string carrying code and state
  any,            // also "code#state" and a bare code (the provider shows a code to copy)
};

// Parses pasted input: trims whitespace and one layer of quotes, decodes %XX exactly once.
// Accepts "http(s)://…?code=…&state=…" (or in the fragment), "?code=…", "code=…&state=…",
// "code#state", and a bare code. error= is returned in CallbackParams.error. Errors:
// empty input, a URL or query with neither code nor error.
Result<CallbackParams> parse_callback_input(std::string_view input);

// Checks parsed input against the login attempt: error= becomes JCODE_E_DENIED with the
// server's text; a present state must equal expected_state (constant time); a missing state
// is accepted only for PasteInput::any (PKCE still binds the code to this verifier).
Status check_callback(const CallbackParams& params, std::string_view expected_state,
                      PasteInput allowed);

// Compares secrets without an early exit.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace jcode::auth
