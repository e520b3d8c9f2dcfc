#include <jcode/support/shared_auth_files.hpp>

#include <jcode/support/json_file.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <ctime>

namespace jcode::support {
namespace {

using nlohmann::json;

int64_t number_ms(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) return static_cast<int64_t>(v.get<double>());
  if (v.is_string()) return parse_rfc3339_ms(v.get<std::string>()).value_or(0);
  return 0;
}

std::string str(const json& obj, const char* key) { return json_string(obj, key); }

}  // namespace

SharedResult parse_shared_auth(std::string_view json_text, std::initializer_list<std::string_view> keys,
                               std::optional<std::string> (*env_lookup)(std::string_view, void*),
                               void* env_self) {
  SharedResult r;
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    r.status = SharedParse::malformed;
    r.error = "not a JSON object";
    return r;
  }
  for (std::string_view key : keys) {
    auto it = doc.find(std::string(key));
    if (it == doc.end() || !it->is_object()) continue;
    const json& e = *it;
    std::string type = str(e, "type");
    if (type == "oauth") {
      r.entry.oauth = true;
      r.entry.access = str(e, "access");
      r.entry.refresh = str(e, "refresh");
      if (auto x = e.find("expires"); x != e.end()) r.entry.expires_at_ms = number_ms(*x);
      r.entry.account_id = str(e, "accountId");
      if (r.entry.access.empty() && r.entry.refresh.empty()) continue;
      r.status = SharedParse::found;
      return r;
    }
    if (type == "api" || type == "api_key") {
      std::string k = str(e, "key");
      if (k.empty() || k[0] == '!') continue;  // commands are never executed
      // pi: a key may name an environment variable holding the real key.
      bool env_name = !k.empty() && (std::isupper(static_cast<unsigned char>(k[0])) || k[0] == '_');
      for (char c : k)
        if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
          env_name = false;
      if (env_name && env_lookup != nullptr) {
        auto v = env_lookup(k, env_self);
        if (v && !v->empty()) k = *v;
      }
      r.entry.oauth = false;
      r.entry.access = k;
      r.status = SharedParse::found;
      return r;
    }
  }
  r.status = SharedParse::absent;
  return r;
}

std::optional<int64_t> parse_rfc3339_ms(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  auto digits = [&](size_t pos, size_t n) -> std::optional<int> {
    if (pos + n > t.size()) return std::nullopt;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  auto Y = digits(0, 4), M = digits(5, 2), D = digits(8, 2), h = digits(11, 2), m = digits(14, 2),
       s = digits(17, 2);
  if (!Y || !M || !D || !h || !m || !s || t.size() < 20 || t[4] != '-' || t[7] != '-' ||
      (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
    return std::nullopt;
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    int64_t scale = 100;
    while (pos < t.size() && std::isdigit(static_cast<unsigned char>(t[pos]))) {
      ms += (t[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  int64_t offset_s = 0;
  if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
    ++pos;
  } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
    if (!oh || !om || pos + 3 >= t.size() || t[pos + 3] != ':') return std::nullopt;
    offset_s = (*oh * 3600 + *om * 60) * (t[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != t.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *Y - 1900;
  tm.tm_mon = *M - 1;
  tm.tm_mday = *D;
  tm.tm_hour = *h;
  tm.tm_min = *m;
  tm.tm_sec = *s;
  int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return secs * 1000 + ms;
}

}  // namespace jcode::support
