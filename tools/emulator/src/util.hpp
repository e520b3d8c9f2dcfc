// Small helpers shared by the emulator modules: randomness, encodings, PKCE, JWT, form bodies.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace jemu {

using json = nlohmann::ordered_json;

std::string random_hex(std::size_t bytes);
std::string random_alnum(std::size_t chars);
std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view data);
std::string sha256_raw(std::string_view data);
std::string hmac_sha256_raw(std::string_view key, std::string_view data);
/// RFC 7636 S256: BASE64URL(SHA256(verifier)) without padding.
std::string pkce_s256(std::string_view verifier);
/// RFC 7636 §4.1: 43..128 chars of [A-Za-z0-9-._~].
bool pkce_verifier_well_formed(std::string_view verifier);
bool pkce_challenge_well_formed(std::string_view challenge);

/// HS256 JWT with the given claims (the key is the emulator's process secret).
std::string make_jwt(const json& claims, std::string_view key);
/// Decodes the payload of a JWT without checking its signature; nullopt if malformed.
std::optional<json> jwt_payload(std::string_view token);

std::string url_encode(std::string_view s);
std::string url_decode(std::string_view s, bool plus_as_space = true);
/// Parses application/x-www-form-urlencoded; later duplicates win.
std::map<std::string, std::string> parse_form(std::string_view body);
std::string build_query(const std::vector<std::pair<std::string, std::string>>& kv);

std::string to_lower(std::string_view s);
std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::vector<std::string> split_ws(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);

/// Splits text into pieces of at most n bytes without cutting a UTF-8 sequence.
std::vector<std::string> utf8_chunks(const std::string& text, std::size_t n);

std::int64_t unix_now_s();

/// Parsed URL (only what redirect_uri checks need).
struct Url {
  std::string scheme, host, path, query;
  int port = -1;  // -1 when absent
  bool has_fragment = false;
};
std::optional<Url> parse_url(std::string_view s);

}  // namespace jemu
