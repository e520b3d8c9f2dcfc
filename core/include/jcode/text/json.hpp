// Lenient field reads of JSON objects from servers and saved state, where a missing or
// mistyped field means "not given" rather than an error.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace jcode::text {

// j[key] when j is an object holding a string there, else "".
std::string json_string(const nlohmann::json& j, std::string_view key);

}  // namespace jcode::text
