#include "jwt.hpp"

namespace jcode::openai {

std::optional<std::string> base64url_decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-' || c == '+') v = 62;
    else if (c == '_' || c == '/') v = 63;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFFu));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character cannot be a whole byte
  return out;
}

std::optional<nlohmann::json> jwt_claims(std::string_view token) {
  size_t a = token.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  size_t b = token.find('.', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  auto payload = base64url_decode(token.substr(a + 1, b - a - 1));
  if (!payload) return std::nullopt;
  auto j = nlohmann::json::parse(*payload, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

namespace {

std::string nested_string(const nlohmann::json& j, const char* outer, const char* inner) {
  auto o = j.find(outer);
  if (o == j.end() || !o->is_object()) return {};
  auto i = o->find(inner);
  return i != o->end() && i->is_string() ? i->get<std::string>() : std::string{};
}

}  // namespace

std::string chatgpt_account_id(std::string_view token) {
  auto c = jwt_claims(token);
  return c ? nested_string(*c, "https://api.openai.com/auth", "chatgpt_account_id") : std::string{};
}

std::string jwt_email(std::string_view token) {
  auto c = jwt_claims(token);
  if (!c) return {};
  if (auto e = c->find("email"); e != c->end() && e->is_string()) return e->get<std::string>();
  return nested_string(*c, "https://api.openai.com/profile", "email");
}

int64_t jwt_exp_ms(std::string_view token) {
  auto c = jwt_claims(token);
  if (!c) return 0;
  auto e = c->find("exp");
  if (e == c->end()) return 0;
  if (e->is_number_integer()) return e->get<int64_t>() * 1000;
  if (e->is_number_float()) return static_cast<int64_t>(e->get<double>() * 1000);
  return 0;
}

}  // namespace jcode::openai
