#include <jcode/paths/env.hpp>

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
