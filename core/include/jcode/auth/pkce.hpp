// PKCE (RFC 7636) with S256 only, and the independent random `state` of an authorization
// request. Both come from the CSPRNG; the state is never derived from the verifier.
#pragma once

#include <string>
#include <string_view>

namespace jcode::auth {

struct Pkce {
  std::string verifier;   // 43 characters of base64url (32 random bytes)
  std::string challenge;  // base64url(SHA-256(verifier)), no padding
  static constexpr std::string_view method = "S256";

  static Pkce generate();
  static std::string challenge_for(std::string_view verifier);
};

// A fresh state value: 32 random bytes, base64url (43 characters).
std::string new_state();

}  // namespace jcode::auth
