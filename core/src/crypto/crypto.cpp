#include <jcode/crypto/crypto.hpp>
#include <jcode/text/text.hpp>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <climits>
#include <vector>

namespace jcode::crypto {
namespace {

constexpr std::string_view kStd = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string encode(std::string_view in, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];
    out += alphabet[v & 63];
  }
  if (std::size_t rest = in.size() - i; rest > 0) {
    unsigned v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    if (rest == 2) out += alphabet[v >> 6 & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

Result<std::string> decode(std::string_view in, std::string_view alphabet, const char* name) {
  auto bad = [&]() -> Error {
    return Error{JCODE_E_INVALID_ARG, std::string("not valid ") + name + " (" + std::to_string(in.size()) + " characters)"};
  };
  std::array<int, 256> map;
  map.fill(-1);
  for (std::size_t k = 0; k < alphabet.size(); ++k) map[static_cast<unsigned char>(alphabet[k])] = static_cast<int>(k);
  // Optional padding, but if present it must complete the last quantum.
  std::size_t len = in.size();
  std::size_t pads = 0;
  while (len > 0 && in[len - 1] == '=') --len, ++pads;
  if (pads > 2 || (pads > 0 && in.size() % 4 != 0) || len % 4 == 1) return bad();
  std::string out;
  out.reserve(len * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (std::size_t k = 0; k < len; ++k) {
    int v = map[static_cast<unsigned char>(in[k])];
    if (v < 0) return bad();
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits of a non-canonical encoding must be zero.
  if ((acc & ((1u << bits) - 1)) != 0) return bad();
  return out;
}

}  // namespace

Status random_bytes(void* buf, std::size_t len) {
  auto* p = static_cast<unsigned char*>(buf);
  while (len > 0) {
    const int chunk = static_cast<int>(std::min<std::size_t>(len, INT_MAX));
    if (RAND_bytes(p, chunk) != 1) return Error{JCODE_E_INTERNAL, "the system random number generator failed"};
    p += chunk;
    len -= static_cast<std::size_t>(chunk);
  }
  return {};
}

Result<std::string> random_bytes(std::size_t len) {
  std::string out(len, '\0');
  if (auto s = random_bytes(out.data(), len); !s.ok()) return std::move(s).error();
  return out;
}

Result<std::string> random_urlsafe(std::size_t n) {
  auto raw = random_bytes(n);
  if (!raw.ok()) return raw;
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = kUrl[static_cast<unsigned char>((*raw)[i]) & 63];
  OPENSSL_cleanse(raw->data(), raw->size());
  return out;
}

Result<std::string> random_alnum(std::size_t n) {
  std::string out;
  out.reserve(n);
  unsigned char buf[64];
  while (out.size() < n) {
    if (auto s = random_bytes(buf, sizeof buf); !s.ok()) return std::move(s).error();
    for (unsigned char c : buf) {
      // 248 = 4 * 62: values at or above it would favour the first letters.
      if (c < 248 && out.size() < n) out.push_back(kAlnum[c % 62]);
    }
  }
  OPENSSL_cleanse(buf, sizeof buf);
  return out;
}

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string sha256_hex(std::string_view data) { return text::hex_encode(sha256(data)); }
std::string fingerprint(std::string_view secret) { return sha256_hex(secret).substr(0, 16); }
std::string pkce_s256(std::string_view verifier) { return base64url_encode(sha256(verifier)); }

std::string base64url_encode(std::string_view bytes) { return encode(bytes, kUrl, false); }
Result<std::string> base64url_decode(std::string_view text) { return decode(text, kUrl, "base64url"); }
std::string base64_encode(std::string_view bytes) { return encode(bytes, kStd, true); }
Result<std::string> base64_decode(std::string_view text) { return decode(text, kStd, "base64"); }

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<nlohmann::json> jwt_claims(std::string_view token) {
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) {
    return Error{JCODE_E_PROTOCOL, "the token is not a JWT (expected three dot-separated parts)"};
  }
  const auto payload = token.substr(first + 1, second - first - 1);
  auto raw = base64url_decode(payload);
  // Some issuers emit the standard alphabet; accept it rather than lose the claims.
  if (!raw.ok()) raw = base64_decode(payload);
  if (!raw.ok()) return Error{JCODE_E_PROTOCOL, "the JWT payload is not base64url"};
  auto claims = nlohmann::json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object()) return Error{JCODE_E_PROTOCOL, "the JWT payload is not a JSON object"};
  return claims;
}

}  // namespace jcode::crypto
