#include "github_tokens.hpp"

#include <jcode/support/json_file.hpp>

#include <nlohmann/json.hpp>

#include <array>

namespace jcode::copilot {
namespace {

using nlohmann::json;

std::optional<std::string> search(const json& node, int depth) {
  if (depth > 16) return std::nullopt;  // a hostile file cannot make this recurse without end
  if (node.is_object()) {
    for (const char* key : {"oauth_token", "token", "github_token", "access_token"}) {
      auto it = node.find(key);
      if (it != node.end() && it->is_string() && looks_like_github_token(it->get<std::string>()))
        return it->get<std::string>();
    }
    for (const auto& [k, v] : node.items())
      if (auto t = search(v, depth + 1)) return t;
  } else if (node.is_array()) {
    for (const auto& v : node)
      if (auto t = search(v, depth + 1)) return t;
  }
  return std::nullopt;
}

// 0: github.com, 1: api.github.com, 2: another *.github.com host, -1: not GitHub.
int rank(std::string_view host) {
  if (auto colon = host.find(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  if (host == "github.com") return 0;
  if (host == "api.github.com") return 1;
  if (host.size() > 11 && host.ends_with(".github.com")) return 2;
  return -1;
}

}  // namespace

bool looks_like_github_token(std::string_view v) {
  for (std::string_view p : {"gho_", "ghu_", "github_pat_", "ghs_"})
    if (v.size() > p.size() && v.starts_with(p)) return v.find_first_of(" \t\r\n") == std::string_view::npos;
  return false;
}

std::optional<GithubToken> from_cli_config(std::string_view text, std::string& error) {
  json doc;
  error = support::parse_json_object(text, doc);
  if (!error.empty()) return std::nullopt;
  if (auto t = search(doc, 0)) return GithubToken{*t, ""};
  return std::nullopt;
}

std::optional<GithubToken> from_hosts_file(std::string_view text, std::string& error) {
  json doc;
  error = support::parse_json_object(text, doc);
  if (!error.empty()) return std::nullopt;
  std::optional<GithubToken> best;
  int best_rank = 3;
  for (const auto& [host, entry] : doc.items()) {
    const int r = rank(host);
    if (r < 0 || r >= best_rank || !entry.is_object()) continue;
    const std::string token = support::json_string(entry, "oauth_token");
    if (!looks_like_github_token(token)) continue;
    best = GithubToken{token, support::json_string(entry, "user")};
    best_rank = r;
  }
  return best;
}

}  // namespace jcode::copilot
