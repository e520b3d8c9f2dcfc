// Read access to environment variables, injectable so tests and the plugin host can run
// with a sandboxed environment instead of the process's.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::paths {

class Env {
 public:
  virtual ~Env() = default;
  // nullopt when unset. Callers treat an empty value as unset where that is the convention.
  virtual std::optional<std::string> get(std::string_view name) const = 0;
  // The names of the variables that are set and start with prefix (to find misspelt
  // settings); an environment that cannot list its names returns none.
  virtual std::vector<std::string> names_with_prefix(std::string_view prefix) const {
    (void)prefix;
    return {};
  }
};

// The real process environment (getenv). Thread-safe as long as nothing calls setenv.
class ProcessEnv final : public Env {
 public:
  std::optional<std::string> get(std::string_view name) const override;
  std::vector<std::string> names_with_prefix(std::string_view prefix) const override;
};

// A fixed map, for tests and for sandboxed plugin environments.
class MapEnv final : public Env {
 public:
  MapEnv() = default;
  MapEnv(std::initializer_list<std::pair<const std::string, std::string>> vars) : vars_(vars) {}
  void set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }
  void unset(std::string_view name) {
    if (auto it = vars_.find(name); it != vars_.end()) vars_.erase(it);
  }
  std::optional<std::string> get(std::string_view name) const override;
  std::vector<std::string> names_with_prefix(std::string_view prefix) const override;

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

// The process-wide ProcessEnv instance.
const Env& process_env();

// get() with an empty value treated as unset.
std::optional<std::string> non_empty(const Env& env, std::string_view name);

}  // namespace jcode::paths
