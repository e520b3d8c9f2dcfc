#include <jcode/paths/env.hpp>

#include <unistd.h>

#include <cstdlib>

namespace jcode::paths {

std::optional<std::string> ProcessEnv::get(std::string_view name) const {
  const std::string key(name);
  if (const char* v = std::getenv(key.c_str())) return std::string(v);
  return std::nullopt;
}

std::optional<std::string> MapEnv::get(std::string_view name) const {
  if (auto it = vars_.find(name); it != vars_.end()) return it->second;
  return std::nullopt;
}

std::vector<std::string> ProcessEnv::names_with_prefix(std::string_view prefix) const {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    if (entry.substr(0, eq).starts_with(prefix)) out.emplace_back(entry.substr(0, eq));
  }
  return out;
}

std::vector<std::string> MapEnv::names_with_prefix(std::string_view prefix) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : vars_)
    if (k.starts_with(prefix)) out.push_back(k);
  return out;
}

const Env& process_env() {
  static const ProcessEnv env;
  return env;
}

std::optional<std::string> non_empty(const Env& env, std::string_view name) {
  auto v = env.get(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

}  // namespace jcode::paths
