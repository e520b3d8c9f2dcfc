#include <jcode/auth/pkce.hpp>
#include <jcode/crypto/crypto.hpp>

#include <stdexcept>

namespace jcode::auth {

namespace {

// 43 base64url characters = 258 random bits; a CSPRNG failure is not recoverable here.
std::string random_43() {
  auto r = crypto::random_urlsafe(43);
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

}  // namespace

std::string Pkce::challenge_for(std::string_view verifier) { return crypto::pkce_s256(verifier); }

Pkce Pkce::generate() {
  Pkce p;
  p.verifier = random_43();
  p.challenge = challenge_for(p.verifier);
  return p;
}

std::string new_state() { return random_43(); }

}  // namespace jcode::auth
