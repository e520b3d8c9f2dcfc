#include <jcode/support/api_key.hpp>

#include <string>

namespace jcode::support {

const char* api_key_problem(std::string_view key) noexcept {
  for (unsigned char c : key) {
    if (c == ' ') return "a space";
    if (c < ' ' || c == 0x7f) return "a control character";
  }
  return nullptr;
}

jcode_status parse_api_key(const plugin::Host& host, const jcode_source_decl& source, std::string_view content,
                           std::string_view variable, const jcode_credential_sink* out) {
  const auto ws = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!content.empty() && ws(static_cast<unsigned char>(content.front()))) content.remove_prefix(1);
  while (!content.empty() && ws(static_cast<unsigned char>(content.back()))) content.remove_suffix(1);
  if (content.empty()) return JCODE_E_DECLINE;
  if (api_key_problem(content))
    return host.error(JCODE_E_PROTOCOL, std::string(source.label) + ": the " + std::string(variable) +
                                            " value holds spaces or control characters (fix: set the key alone, e.g. " +
                                            std::string(variable) + "=<key>)");
  host.add_secret(content);
  plugin::Credential c;
  c.kind = JCODE_CRED_API_KEY;
  c.access_token = std::string(content);
  return c.put(out);
}

}  // namespace jcode::support
