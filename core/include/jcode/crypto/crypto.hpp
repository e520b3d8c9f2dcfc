// Randomness, hashing and encodings the auth code needs. Randomness comes from OpenSSL's
// CSPRNG (RAND_bytes); nothing here falls back to a weaker source.
#pragma once

#include <jcode/error.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace jcode::crypto {

// Fills buf with len CSPRNG bytes; JCODE_E_INTERNAL if the generator fails.
Status random_bytes(void* buf, std::size_t len);
Result<std::string> random_bytes(std::size_t len);
// n characters drawn uniformly from the base64url alphabet [A-Za-z0-9_-] (6 bits each).
Result<std::string> random_urlsafe(std::size_t n);
// n characters drawn uniformly from [A-Za-z0-9] (rejection sampling, no modulo bias).
Result<std::string> random_alnum(std::size_t n);

// Raw 32-byte digest.
std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

// First 16 hex chars of SHA-256: a stable, non-reversible label for a secret (e.g. the
// refresh token a provider rejected), safe to store and log.
std::string fingerprint(std::string_view secret);

// RFC 7636 S256: base64url(sha256(verifier)) without padding.
std::string pkce_s256(std::string_view verifier);

// RFC 4648 §5, no padding.
std::string base64url_encode(std::string_view bytes);
// Accepts the URL-safe alphabet with or without '=' padding. JCODE_E_INVALID_ARG on
// anything else (the message never echoes the input, which may be a token).
Result<std::string> base64url_decode(std::string_view text);
// RFC 4648 §4 standard alphabet, padding optional.
std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

// Equal length and equal bytes, compared in time independent of where they differ.
bool constant_time_equals(std::string_view a, std::string_view b);

// The payload of a JWT ("header.payload.signature") as a JSON object, WITHOUT verifying
// the signature: for reading claims (exp, account ids) of tokens jcode already holds.
// JCODE_E_PROTOCOL when it is not a JWT with a JSON object payload.
Result<nlohmann::json> jwt_claims(std::string_view token);

}  // namespace jcode::crypto
