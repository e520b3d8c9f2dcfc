#include <jcode/support/openai_error.hpp>

#include <nlohmann/json.hpp>

namespace jcode::support {
namespace {

std::string text_of(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return {};
}

}  // namespace

ApiError parse_api_error(std::string_view body) {
  ApiError e;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    auto err = j.find("error");
    if (err != j.end() && err->is_object()) {
      e.type = text_of(*err, "type");
      e.code = text_of(*err, "code");
      e.message = text_of(*err, "message");
    } else if (err != j.end() && err->is_string()) {
      e.code = err->get<std::string>();
      e.message = text_of(j, "error_description");
    } else {
      e.message = text_of(j, "detail");
      if (e.message.empty()) e.message = text_of(j, "message");
    }
  }
  if (e.message.empty()) {
    std::string_view trimmed = body.substr(0, 300);
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == ' '))
      trimmed.remove_suffix(1);
    e.message = trimmed.empty() ? std::string(e.code.empty() ? "(empty body)" : e.code) : std::string(trimmed);
  }
  return e;
}

std::string describe(const ApiError& e) {
  const std::string& label = !e.code.empty() ? e.code : e.type;
  if (label.empty() || e.message == label) return e.message;
  return label + ": " + e.message;
}

}  // namespace jcode::support
