#include <jcode/text/json.hpp>

namespace jcode::text {

std::string json_string(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace jcode::text
