#include "client_file.hpp"

#include <jcode/support/json_file.hpp>

#include <nlohmann/json.hpp>

namespace jcode::google_tool {
namespace {

using nlohmann::json;

constexpr const char* kExpected =
    "expected the OAuth client JSON the Google Cloud console downloads: {\"installed\": {\"client_id\": …, "
    "\"client_secret\": …}} (Desktop app) or {\"web\": {…}} (APIs & Services → Credentials → your OAuth 2.0 "
    "client → Download JSON)";

std::string str(const json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

const std::string kBase = "https://www.googleapis.com/auth/";

}  // namespace

ClientResult parse_console_file(std::string_view text, std::string_view what) {
  json doc;
  if (std::string why = support::parse_json_object(text, doc); !why.empty())
    return {std::nullopt, std::string(what) + " " + why + "; " + kExpected};
  for (const char* kind : {"installed", "web"}) {
    auto it = doc.find(kind);
    if (it == doc.end()) continue;
    if (!it->is_object()) return {std::nullopt, std::string(what) + ": \"" + kind + "\" is not an object; " + kExpected};
    Client c{str(*it, "client_id"), str(*it, "client_secret"), kind};
    if (c.id.empty() || c.secret.empty())
      return {std::nullopt, std::string(what) + ": \"" + kind + "\" lacks client_id or client_secret; " + kExpected};
    return {c, {}};
  }
  if (doc.contains("type") && doc["type"].is_string() && doc["type"] == "service_account")
    return {std::nullopt, std::string(what) + " is a service account key, not an OAuth client; " + kExpected};
  if (doc.contains("refresh_token") || doc.contains("access_token"))
    return {std::nullopt, std::string(what) + " holds tokens, not an OAuth client; " + kExpected};
  return {std::nullopt, std::string(what) + " has neither \"installed\" nor \"web\"; " + kExpected};
}

ClientResult parse_saved(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  json doc;
  if (std::string why = support::parse_json_object(text, doc); !why.empty())
    return {std::nullopt, "google_credentials.json " + why};
  Client c{str(doc, "client_id"), str(doc, "client_secret"), str(doc, "kind")};
  if (c.id.empty()) return {};
  return {c, {}};
}

std::string serialize(const Client& c) {
  return json{{"client_id", c.id}, {"client_secret", c.secret}, {"kind", c.kind.empty() ? "manual" : c.kind}}.dump(2) + "\n";
}

std::optional<std::string> scopes_for_tier(std::string_view tier) {
  if (tier == "full")
    return kBase + "gmail.readonly " + kBase + "gmail.compose " + kBase + "gmail.send " + kBase + "gmail.modify";
  if (tier == "readonly") return kBase + "gmail.readonly " + kBase + "gmail.compose";
  return std::nullopt;
}

std::string tier_of_scope(std::string_view scope) {
  return scope.find("gmail.send") != std::string_view::npos || scope.find("gmail.modify") != std::string_view::npos
             ? "full"
             : "readonly";
}

}  // namespace jcode::google_tool
