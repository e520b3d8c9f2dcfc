#include <jcode/log/log.hpp>
#include <jcode/text/text.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <string.h>  // explicit_bzero

namespace jcode::log {
namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_b64url(char c) { return is_alnum(c) || c == '-' || c == '_'; }
bool is_token_char(char c) { return is_b64url(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '='; }
bool iequals_at(std::string_view text, std::size_t pos, std::string_view word) {
  return pos + word.size() <= text.size() && jcode::text::iequals(text.substr(pos, word.size()), word);
}

// Ranges [begin, end) of `text` to replace; merged and applied at the end.
using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

// Keys whose values are secrets: in query strings and forms (key=value), and in JSON
// ("key": "value"). Matched case-insensitively on a word boundary.
constexpr std::array<std::string_view, 20> kSecretKeys{
    "access_token", "refresh_token", "id_token",   "code",          "code_verifier", "client_secret",
    "device_code",  "api_key",       "apikey",     "password",      "token",         "accesstoken",
    "refreshtoken", "idtoken",       "secret",     "client_assertion", "subject_token", "session_token",
    "private_key",  "key"};

// Header names whose whole value is secret ("Authorization: Basic …", "x-api-key: …").
constexpr std::array<std::string_view, 7> kSecretHeaders{
    "authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie", "set-cookie"};

// Prefixes of provider key formats, found anywhere as a word.
constexpr std::array<std::string_view, 10> kKeyPrefixes{"sk-", "gho_", "ghp_", "ghu_", "ghs_", "ghr_",
                                                        "github_pat_", "ya29.", "AIza", "xai-"};

void find_key_values(std::string_view t, Spans& spans) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '_' || t[i - 1] == '-')) continue;
    const bool quoted = t[i] == '"';
    const std::size_t name_at = quoted ? i + 1 : i;
    for (auto key : kSecretKeys) {
      if (!iequals_at(t, name_at, key)) continue;
      std::size_t p = name_at + key.size();
      if (quoted) {
        // JSON: "key" : "value"
        if (p >= t.size() || t[p] != '"') continue;
        ++p;
        while (p < t.size() && (t[p] == ' ' || t[p] == '\t')) ++p;
        if (p >= t.size() || t[p] != ':') continue;
        ++p;
        while (p < t.size() && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r')) ++p;
        if (p >= t.size() || t[p] != '"') continue;
        const std::size_t start = ++p;
        while (p < t.size() && t[p] != '"') p += (t[p] == '\\' && p + 1 < t.size()) ? 2 : 1;
        if (p > start) spans.emplace_back(start, std::min(p, t.size()));
      } else {
        // query / form: key=value
        if (p >= t.size() || t[p] != '=') continue;
        const std::size_t start = ++p;
        while (p < t.size() && !std::strchr("&\"' \t\r\n#,;<>", t[p])) ++p;
        if (p > start) spans.emplace_back(start, p);
      }
      break;
    }
  }
}

void find_headers(std::string_view t, Spans& spans) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i > 0 && t[i - 1] != '\n' && t[i - 1] != ' ' && t[i - 1] != '\t' && t[i - 1] != '"' && t[i - 1] != '{' &&
        t[i - 1] != ',') {
      continue;
    }
    for (auto h : kSecretHeaders) {
      if (!iequals_at(t, i, h)) continue;
      std::size_t p = i + h.size();
      if (p < t.size() && t[p] == '"') ++p;  // "authorization": "…" in a JSON dump
      while (p < t.size() && t[p] == ' ') ++p;
      if (p >= t.size() || t[p] != ':') continue;
      ++p;
      while (p < t.size() && (t[p] == ' ' || t[p] == '\t' || t[p] == '"')) ++p;
      const std::size_t start = p;
      while (p < t.size() && t[p] != '\n' && t[p] != '\r' && t[p] != '"') ++p;
      if (p > start) spans.emplace_back(start, p);
      break;
    }
  }
}

void find_bearer(std::string_view t, Spans& spans) {
  for (std::size_t i = 0; i + 7 < t.size(); ++i) {
    if (!iequals_at(t, i, "bearer") || (i > 0 && is_alnum(t[i - 1]))) continue;
    std::size_t p = i + 6;
    if (t[p] != ' ' && t[p] != '\t') continue;
    while (p < t.size() && (t[p] == ' ' || t[p] == '\t')) ++p;
    const std::size_t start = p;
    while (p < t.size() && is_token_char(t[p])) ++p;
    if (p - start >= kMinSecretLength) spans.emplace_back(start, p);
  }
}

void find_prefixed_keys(std::string_view t, Spans& spans) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '_' || t[i - 1] == '-')) continue;
    for (auto pre : kKeyPrefixes) {
      if (t.compare(i, pre.size(), pre) != 0) continue;
      std::size_t p = i + pre.size();
      while (p < t.size() && (is_b64url(t[p]) || t[p] == '.')) ++p;
      while (p > i + pre.size() && t[p - 1] == '.') --p;  // a sentence's full stop
      if (p - i >= 20) spans.emplace_back(i, p);
      break;
    }
  }
}

void find_jwts(std::string_view t, Spans& spans) {
  for (std::size_t i = t.find("eyJ"); i != std::string_view::npos; i = t.find("eyJ", i + 1)) {
    if (i > 0 && is_b64url(t[i - 1])) continue;
    std::size_t p = i;
    int dots = 0;
    while (p < t.size() && (is_b64url(t[p]) || (t[p] == '.' && dots < 2))) {
      if (t[p] == '.') ++dots;
      ++p;
    }
    if (dots == 2 && p - i >= 20) spans.emplace_back(i, p);
  }
}

std::string apply(std::string_view t, Spans& spans) {
  if (spans.empty()) return std::string(t);
  std::sort(spans.begin(), spans.end());
  std::string out;
  std::size_t at = 0;
  for (std::size_t k = 0; k < spans.size(); ++k) {
    auto [b, e] = spans[k];
    while (k + 1 < spans.size() && spans[k + 1].first <= e) e = std::max(e, spans[++k].second);
    if (b < at) b = at;
    out.append(t.substr(at, b - at));
    out.append(kRedacted);
    at = e;
  }
  out.append(t.substr(at));
  return out;
}

}  // namespace

std::string redact_patterns(std::string_view text) {
  Spans spans;
  find_key_values(text, spans);
  find_headers(text, spans);
  find_bearer(text, spans);
  find_prefixed_keys(text, spans);
  find_jwts(text, spans);
  return apply(text, spans);
}

Redactor::~Redactor() { clear(); }

Redactor& Redactor::global() {
  static Redactor* r = new Redactor();  // never destroyed: loggers may run during exit
  return *r;
}

void Redactor::add_secret(std::string_view secret) {
  if (secret.size() < kMinSecretLength) return;
  std::unique_lock lock(mu_);
  for (std::string form : {std::string(secret), text::percent_encode(secret, true), text::percent_encode(secret, false)}) {
    if (std::find(secrets_.begin(), secrets_.end(), form) == secrets_.end()) secrets_.push_back(std::move(form));
  }
  std::stable_sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::size_t Redactor::secret_count() const {
  std::shared_lock lock(mu_);
  return secrets_.size();
}

void Redactor::clear() {
  std::unique_lock lock(mu_);
  for (auto& s : secrets_) ::explicit_bzero(s.data(), s.size());
  secrets_.clear();
}

std::string Redactor::redact(std::string_view text) const {
  Spans spans;
  {
    std::shared_lock lock(mu_);
    for (const auto& s : secrets_) {
      for (std::size_t p = text.find(s); p != std::string_view::npos; p = text.find(s, p + s.size())) {
        spans.emplace_back(p, p + s.size());
      }
    }
  }
  // Registered secrets first; the pattern pass then runs on the result so a pattern match
  // that overlaps a registered secret cannot leave a tail of it behind.
  std::string first = apply(text, spans);
  return redact_patterns(first);
}

void add_secret(std::string_view secret) { Redactor::global().add_secret(secret); }
std::string redact(std::string_view text) { return Redactor::global().redact(text); }

}  // namespace jcode::log
