#include "context.hpp"

#include "services.hpp"

#include <jcode/endpoints/endpoints.hpp>
#include <jcode/log/log.hpp>
#include <jcode/paths/paths.hpp>

namespace jcode::app {

Context::Context(GlobalOptions global, const paths::Env& env) : global_(std::move(global)), env_(env) {}

Context::~Context() = default;

Result<config::Config*> Context::config() {
  if (!config_) {
    auto path = config::Config::default_path(env_);
    if (!path) {
      config_.emplace(path.error());
    } else {
      config_.emplace(config::Config::load(*path, env_));
    }
  }
  if (!config_->ok()) return config_->error();
  return &config_->value();
}

Services& Context::services() {
  if (!services_) services_ = std::make_unique<Services>(*this);
  return *services_;
}

Result<plugins::Registry*> Context::registry() {
  if (registry_) return registry_.get();
  auto cfg = config();
  if (!cfg) return cfg.error();
  plugins::PluginFilter filter;
  if (auto only = (*cfg)->plugins_enable_only()) filter.enable_only = *only;
  filter.disable = (*cfg)->plugins_disable();
  auto reg = std::make_unique<plugins::Registry>(services());
  auto plan = plugins::search_dirs(plugins::SearchInputs::from_process());
  for (const auto& w : plan.warnings) log::warn(w);
  reg->discover(plan.dirs, filter);
  for (const auto& w : reg->warnings()) log::warn(w);
  for (const auto& s : reg->skipped()) log::info(s.path.string() + ": not loaded: " + s.reason);  // -v
  {
    std::vector<std::pair<std::string, std::string>> declared;
    std::vector<std::string> ids;
    for (const auto& p : reg->plugins()) {
      ids.push_back(p->id());
      for (const auto& e : p->info().endpoints) declared.emplace_back(p->id(), e.name);
    }
    for (const auto& s : reg->skipped()) ids.push_back(s.id);
    for (const auto& w : endpoints::unknown_endpoint_settings(declared, ids, **cfg, env_)) log::warn(w);
  }
  registry_ = std::move(reg);
  return registry_.get();
}

Result<std::filesystem::path> Context::jcode_home() const { return paths::jcode_home(env_); }

}  // namespace jcode::app
