// What is wrong with a credential file that should hold a JSON object, in words a user can act
// on: "not valid JSON (…)" and "a JSON array, not an object" are different repairs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace jcode::support {

// obj[key] as a string; "" when absent or not a string.
std::string json_string(const nlohmann::json& obj, const char* key);
// obj[key] as a whole number: an integer, a float (truncated) or a decimal string; 0 when
// absent or anything else.
int64_t json_int(const nlohmann::json& obj, const char* key);

// Parses `text`; on success `doc` is the object and the result is empty. Otherwise the result
// says what the text is instead: "is not valid JSON (<parser's reason>)", "is empty", or
// "is a JSON array, not an object" (string, number, …).
std::string parse_json_object(std::string_view text, nlohmann::json& doc);

}  // namespace jcode::support
