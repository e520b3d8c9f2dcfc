#include <jcode/support/json_file.hpp>

#include <cstdlib>

namespace jcode::support {

std::string parse_json_object(std::string_view text, nlohmann::json& doc) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return "is empty";
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // The byte offset helps find the damage; the parser's own text can quote the content.
    return "is not valid JSON (syntax error at byte " + std::to_string(e.byte) + ")";
  }
  if (doc.is_object()) return {};
  const char* what = doc.is_array()     ? "array"
                     : doc.is_string()  ? "string"
                     : doc.is_number()  ? "number"
                     : doc.is_boolean() ? "boolean"
                                        : "null";
  return std::string("is a JSON ") + what + ", not an object";
}

std::string json_string(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

int64_t json_int(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
  if (it->is_string()) return std::strtoll(it->get<std::string>().c_str(), nullptr, 10);
  return 0;
}

}  // namespace jcode::support
