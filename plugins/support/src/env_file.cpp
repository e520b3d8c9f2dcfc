#include <jcode/support/env_file.hpp>

namespace jcode::support {
namespace {

std::string_view key_of(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  if (line.rfind("export ", 0) == 0) line.remove_prefix(7);
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return {};
  std::string_view k = line.substr(0, eq);
  while (!k.empty() && (k.back() == ' ' || k.back() == '\t')) k.remove_suffix(1);
  return k;
}

}  // namespace

std::string env_file_set(std::string_view text, std::string_view key, std::string_view value) {
  std::string out;
  bool done = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (key_of(line) == key) {
      if (!done) out.append(key).append("=").append(value).append("\n");
      done = true;
      continue;
    }
    out.append(line).append("\n");
  }
  if (!done) out.append(key).append("=").append(value).append("\n");
  return out;
}

}  // namespace jcode::support
