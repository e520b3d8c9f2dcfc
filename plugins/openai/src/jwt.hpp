// Reading (not verifying) the claims of OpenAI's JWTs: the ChatGPT account id and email in
// the id_token, the expiry of an access token. jcode never trusts these for security; they
// only route requests and schedule refreshes, exactly as Codex does.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::openai {

// base64url without padding (padding tolerated); nullopt on a character outside the alphabet.
std::optional<std::string> base64url_decode(std::string_view in);

// The payload of a compact JWT as a JSON object; nullopt when it is not one.
std::optional<nlohmann::json> jwt_claims(std::string_view token);

// claims["https://api.openai.com/auth"]["chatgpt_account_id"], "" when absent.
std::string chatgpt_account_id(std::string_view token);

// "email" at the top level or under "https://api.openai.com/profile", "" when absent.
std::string jwt_email(std::string_view token);

// exp × 1000, 0 when absent.
int64_t jwt_exp_ms(std::string_view token);

}  // namespace jcode::openai
