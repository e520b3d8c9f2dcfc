// The Google OAuth client the user brings for Gmail (Google has no public client for it):
// jcode's ~/.jcode/google_credentials.json and the JSON file the Google Cloud console
// downloads ({"installed": {...}} for a Desktop app, {"web": {...}} for a Web application).
// Pure: no host services.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jcode::google_tool {

struct Client {
  std::string id, secret;
  std::string kind;  // "installed", "web", "manual"
};

struct ClientResult {
  std::optional<Client> client;
  std::string error;  // non-empty: what is wrong and what the file should look like
};

// A console download. `what` names the file (the path given) in messages.
ClientResult parse_console_file(std::string_view text, std::string_view what);
// jcode's google_credentials.json ({client_id, client_secret, kind}); nullopt when empty.
ClientResult parse_saved(std::string_view text);
std::string serialize(const Client& c);

// Gmail scopes by access tier ("full" | "readonly"); nullopt for another value.
std::optional<std::string> scopes_for_tier(std::string_view tier);
// The tier a granted scope string means ("readonly" unless gmail.send/modify were granted).
std::string tier_of_scope(std::string_view scope);

}  // namespace jcode::google_tool
