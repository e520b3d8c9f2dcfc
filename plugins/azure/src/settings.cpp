#include "settings.hpp"

#include <cctype>
#include <vector>

namespace jcode::azure {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The key a line assigns, or "" for comments, blanks and other text.
std::string_view key_of(std::string_view line) {
  std::string_view t = trim(line);
  if (t.empty() || t.front() == '#') return {};
  if (t.substr(0, 7) == "export ") t = trim(t.substr(7));
  size_t eq = t.find('=');
  if (eq == std::string_view::npos) return {};
  return trim(t.substr(0, eq));
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

bool loopback(std::string_view host) {
  std::string h = lower(host);
  if (h == "localhost" || h == "[::1]") return true;
  if (h.rfind("127.", 0) != 0) return false;
  for (char c : h.substr(4))
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
  return true;
}

}  // namespace

std::optional<std::string> env_file_get(std::string_view text, std::string_view key) {
  std::optional<std::string> found;
  for (std::string_view line : lines_of(text)) {
    if (key_of(line) != key) continue;
    std::string_view v = trim(line.substr(line.find('=') + 1));
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
      v = v.substr(1, v.size() - 2);
    found = std::string(v);
  }
  return found;
}

std::string env_file_set(std::string_view text, std::string_view key, std::string_view value) {
  std::string out;
  bool done = false;
  for (std::string_view line : lines_of(text)) {
    if (key_of(line) == key) {
      if (done) continue;
      done = true;
      out.append(key).append("=").append(value).append("\n");
      continue;
    }
    out.append(line).append("\n");
  }
  if (!done) out.append(key).append("=").append(value).append("\n");
  return out;
}

std::string env_file_remove(std::string_view text, std::string_view key) {
  std::string out;
  for (std::string_view line : lines_of(text))
    if (key_of(line) != key) out.append(line).append("\n");
  return out;
}

std::optional<bool> parse_bool(std::string_view value) {
  std::string v = lower(trim(value));
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return std::nullopt;
}

Normalized normalize_endpoint(std::string_view endpoint, std::string_view what) {
  const std::string example = " (for example https://your-resource.openai.azure.com)";
  std::string e(trim(endpoint));
  if (e.empty()) return {{}, std::string(what) + " is empty; give your Azure OpenAI endpoint" + example};
  std::string l = lower(e);
  if (l.find("://") == std::string::npos) {
    e = "https://" + e;
    l = "https://" + l;
  }
  const bool http = l.rfind("http://", 0) == 0;
  if (!http && l.rfind("https://", 0) != 0)
    return {{}, std::string(what) + " must start with https://" + example};
  size_t host_start = e.find("://") + 3;
  size_t host_end = e.find_first_of("/?#", host_start);
  std::string authority = e.substr(host_start, host_end == std::string::npos ? std::string::npos : host_end - host_start);
  if (authority.empty()) return {{}, std::string(what) + " has no host" + example};
  if (authority.find('@') != std::string::npos)
    return {{}, std::string(what) + " contains user:password@; remove it (the key goes in AZURE_OPENAI_API_KEY)"};
  std::string host = authority.substr(0, authority.rfind(':') == std::string::npos || authority.back() == ']'
                                             ? std::string::npos
                                             : authority.rfind(':'));
  if (http && !loopback(host))
    return {{}, std::string(what) + " uses plain http:// to another machine; use https://" + example};
  std::string path = host_end == std::string::npos ? "" : e.substr(host_end);
  path = path.substr(0, path.find_first_of("?#"));
  // Everything from /openai on (deployments/…/chat/completions pasted from the portal) goes.
  std::string lp = lower(path);
  size_t at = lp.find("/openai");
  if (at != std::string::npos && (at + 7 == lp.size() || lp[at + 7] == '/')) path = path.substr(0, at);
  while (!path.empty() && path.back() == '/') path.pop_back();
  return {e.substr(0, host_start) + authority + path + "/openai/v1", {}};
}

Settings resolve_settings(const EnvLookup& env, std::string_view file) {
  Settings s;
  auto pick = [&](const char* key, std::string* setting) -> std::string {
    if (auto v = env(key); v && !trim(*v).empty()) {
      if (setting) *setting = std::string("the environment variable ") + key;
      return std::string(trim(*v));
    }
    if (auto v = env_file_get(file, key); v && !v->empty()) {
      if (setting) *setting = std::string(key) + " in azure-openai.env";
      return *v;
    }
    return {};
  };
  s.endpoint = pick(kEndpointKey, &s.endpoint_setting);
  s.model = pick(kModelKey, nullptr);
  std::string entra = pick(kUseEntraKey, nullptr);
  if (!entra.empty()) {
    s.use_entra = parse_bool(entra);
    if (!s.use_entra)
      s.error = std::string(kUseEntraKey) + " is '" + entra +
                "', which is neither yes nor no: set 1 (Entra ID) or 0 (API key), or unset it";
  }
  s.api_key = pick(kApiKeyKey, nullptr);
  return s;
}

}  // namespace jcode::azure
