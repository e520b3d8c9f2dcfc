// Builds the Messages API request body from jcode's neutral conversation JSON.
#pragma once

#include "contract.hpp"

#include <string>
#include <string_view>

namespace jcode::claude {

enum class AuthMode { oauth, api_key };

struct BuiltRequest {
  std::string body;
  std::string error;  // non-empty: the conversation was malformed (message for the user)
};

BuiltRequest build_messages_body(std::string_view conversation_json, std::string_view model,
                                 AuthMode mode, const Contract& contract, bool stream);

}  // namespace jcode::claude
