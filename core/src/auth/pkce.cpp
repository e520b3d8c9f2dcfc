#include <jcode/auth/pkce.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace jcode::auth {

namespace {

// TODO(auth): switch to jcode::crypto once it is committed; same operations.
std::string base64url(const unsigned char* data, size_t len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string random_b64url(size_t bytes) {
  unsigned char buf[64];
  if (bytes > sizeof buf || RAND_bytes(buf, static_cast<int>(bytes)) != 1)
    throw std::runtime_error("the system random number generator failed");
  std::string out = base64url(buf, bytes);
  OPENSSL_cleanse(buf, sizeof buf);
  return out;
}

}  // namespace

std::string Pkce::challenge_for(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return base64url(digest, sizeof digest);
}

Pkce Pkce::generate() {
  Pkce p;
  p.verifier = random_b64url(32);
  p.challenge = challenge_for(p.verifier);
  return p;
}

std::string new_state() { return random_b64url(32); }

}  // namespace jcode::auth
