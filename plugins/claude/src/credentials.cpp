#include "credentials.hpp"

#include <jcode/support/shared_auth_files.hpp>
#include <jcode/support/json_file.hpp>

#include <nlohmann/json.hpp>

namespace jcode::claude {
namespace {

using nlohmann::json;

std::string str(const json& o, const char* k) { return support::json_string(o, k); }

int64_t ms(const json& o, const char* k) {
  auto it = o.find(k);
  if (it == o.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
  if (it->is_string()) return support::parse_rfc3339_ms(it->get<std::string>()).value_or(0);
  return 0;
}

std::string scopes_of(const json& o, const char* k) {
  auto it = o.find(k);
  if (it == o.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  std::string out;
  if (it->is_array())
    for (const auto& s : *it)
      if (s.is_string()) out += (out.empty() ? "" : " ") + s.get<std::string>();
  return out;
}

OAuthTokens from_account(const json& a) {
  OAuthTokens t;
  t.access = str(a, "access");
  t.refresh = str(a, "refresh");
  t.expires_at_ms = ms(a, "expires");
  t.email = str(a, "email");
  t.subscription_type = str(a, "subscription_type");
  t.scopes = scopes_of(a, "scopes");
  return t;
}

}  // namespace

ParseResult parse_jcode_auth(std::string_view text) {
  json doc;
  if (std::string why = support::parse_json_object(text, doc); !why.empty()) return {std::nullopt, "the file " + why};
  if (auto acc = doc.find("anthropic_accounts"); acc != doc.end()) {
    if (!acc->is_array()) return {std::nullopt, "\"anthropic_accounts\" is not an array"};
    if (acc->empty()) return {};
    std::string active = str(doc, "active_anthropic_account");
    const json* chosen = &(*acc)[0];
    for (const auto& a : *acc)
      if (a.is_object() && !active.empty() && str(a, "label") == active) chosen = &a;
    if (!chosen->is_object()) return {std::nullopt, "an account entry is not an object"};
    OAuthTokens t = from_account(*chosen);
    if (t.access.empty() && t.refresh.empty()) return {std::nullopt, "the active account has no tokens"};
    return {t, {}};
  }
  if (auto legacy = doc.find("anthropic"); legacy != doc.end() && legacy->is_object()) {
    OAuthTokens t = from_account(*legacy);
    if (t.access.empty() && t.refresh.empty()) return {};
    return {t, {}};
  }
  return {};
}

ParseResult parse_claude_code(std::string_view text) {
  json doc;
  if (std::string why = support::parse_json_object(text, doc); !why.empty()) return {std::nullopt, "the file " + why};
  const json* o = &doc;
  if (auto it = doc.find("claudeAiOauth"); it != doc.end()) {
    if (!it->is_object()) return {std::nullopt, "\"claudeAiOauth\" is not an object"};
    o = &*it;
  }
  OAuthTokens t;
  t.access = str(*o, "accessToken");
  t.refresh = str(*o, "refreshToken");
  t.expires_at_ms = ms(*o, "expiresAt");
  t.subscription_type = str(*o, "subscriptionType");
  t.scopes = scopes_of(*o, "scopes");
  if (t.access.empty() && t.refresh.empty()) return {};
  return {t, {}};
}

SerializeResult serialize_jcode_auth(std::string_view current, const OAuthTokens* tokens) {
  json doc = json::object();
  if (!current.empty()) {
    if (std::string why = support::parse_json_object(current, doc); !why.empty())
      return {{}, "the existing file " + why + "; fix or move it, then log in again"};
  }
  json accounts = json::array();
  if (auto it = doc.find("anthropic_accounts"); it != doc.end() && it->is_array()) accounts = *it;
  std::string active = str(doc, "active_anthropic_account");
  // A legacy single-account file becomes the "default" account.
  if (accounts.empty()) {
    if (auto legacy = doc.find("anthropic"); legacy != doc.end() && legacy->is_object()) {
      json a = *legacy;
      a["label"] = "default";
      accounts.push_back(a);
      active = "default";
    }
  }
  doc.erase("anthropic");
  if (active.empty() && !accounts.empty() && accounts[0].is_object()) active = str(accounts[0], "label");
  if (active.empty()) active = "default";

  auto pos = accounts.end();
  for (auto it = accounts.begin(); it != accounts.end(); ++it)
    if (it->is_object() && str(*it, "label") == active) pos = it;

  if (tokens == nullptr) {
    if (pos != accounts.end()) accounts.erase(pos);
    doc["anthropic_accounts"] = accounts;
    if (!accounts.empty() && accounts[0].is_object())
      doc["active_anthropic_account"] = str(accounts[0], "label");
    else
      doc.erase("active_anthropic_account");
    return {doc.dump(2) + "\n", {}};
  }

  json a = pos != accounts.end() ? *pos : json{{"label", active}};
  a["access"] = tokens->access;
  a["refresh"] = tokens->refresh;
  a["expires"] = tokens->expires_at_ms;
  if (!tokens->email.empty()) a["email"] = tokens->email;
  if (!tokens->subscription_type.empty()) a["subscription_type"] = tokens->subscription_type;
  if (!tokens->scopes.empty()) {
    json scopes = json::array();
    std::string s = tokens->scopes;
    size_t start = 0;
    while (start < s.size()) {
      size_t end = s.find(' ', start);
      if (end == std::string::npos) end = s.size();
      if (end > start) scopes.push_back(s.substr(start, end - start));
      start = end + 1;
    }
    a["scopes"] = scopes;
  }
  if (pos != accounts.end()) *pos = a; else accounts.push_back(a);
  doc["anthropic_accounts"] = accounts;
  doc["active_anthropic_account"] = active;
  return {doc.dump(2) + "\n", {}};
}

}  // namespace jcode::claude
