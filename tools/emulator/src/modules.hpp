// One register function per service module. A new provider adds a file and one line in
// emulator.cpp's module list.
#pragma once

#include "http_types.hpp"
#include "state.hpp"

namespace jemu {

void register_control_api(Router& r, State& st);
void register_oauth(Router& r, State& st);
void register_device_github(Router& r, State& st);
void register_anthropic(Router& r, State& st);
void register_openai(Router& r, State& st);
void register_google(Router& r, State& st);  // google.cpp: OAuth, Code Assist, Gemini API, Gmail
void register_chat_azure(Router& r, State& st);  // must stay last: it has catch-all routes

/// RFC 6749 §5.2 error body.
Response oauth_error(int status, const std::string& code, const std::string& description);
/// Parses a JSON request body into an object; nullopt when it is not a JSON object.
std::optional<json> parse_json_object(const std::string& body);
/// Converts a JSON value to the text used by the scripted model (strings, text blocks, arrays).
std::string content_text(const json& content);

/// Settings of the OAuth endpoint for authorize flows, shared with the control API.
struct AuthorizeOutcome {
  int status = 0;         // 302 redirect, 400 error page (no redirect), 200 consent page
  std::string location;   // redirect target (with code or error)
  std::string code, state, error, error_description;
  std::string provider;
};
/// Validates an authorize request for `provider` (query parameters) and, when `decision` is
/// "allow"/"deny", completes it. decision "" = show the page (or auto-approve if configured).
AuthorizeOutcome run_authorize(State& st, const std::string& provider, const ParamMap& params,
                               const std::string& decision);
/// Which OAuth provider serves an authorize path ("" if none).
std::string provider_for_authorize_path(const std::string& path);

}  // namespace jemu
