// Test helper: unsigned JWTs with chosen claims (the plugin reads claims, never verifies).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace openai_test {

inline std::string b64url(const std::string& in) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned val = 0;
  int bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(a[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(a[((val << 8) >> (bits + 8)) & 0x3F]);
  return out;
}

inline std::string jwt(const nlohmann::json& claims) {
  return b64url(R"({"alg":"none","typ":"JWT"})") + "." + b64url(claims.dump()) + ".sig";
}

}  // namespace openai_test
