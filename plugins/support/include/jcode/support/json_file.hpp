// What is wrong with a credential file that should hold a JSON object, in words a user can act
// on: "not valid JSON (…)" and "a JSON array, not an object" are different repairs.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace jcode::support {

// Parses `text`; on success `doc` is the object and the result is empty. Otherwise the result
// says what the text is instead: "is not valid JSON (<parser's reason>)", "is empty", or
// "is a JSON array, not an object" (string, number, …).
std::string parse_json_object(std::string_view text, nlohmann::json& doc);

}  // namespace jcode::support
