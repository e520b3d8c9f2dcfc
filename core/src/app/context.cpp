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

namespace {

// [providers.<name>] as the registry declares it. A profile that names no key variable or
// env file gets the ones `jcode provider add` would have written.
std::vector<plugins::ProfileSpec> profile_specs(const config::Config& cfg) {
  std::vector<plugins::ProfileSpec> out;
  for (const auto& name : cfg.provider_names()) {
    auto p = cfg.provider(name);
    if (!p) continue;
    plugins::ProfileSpec s;
    s.name = name;
    s.type = p->type;
    s.base_url = p->base_url;
    while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
    s.default_model = p->default_model;
    s.where = "[providers." + name + "] in " + cfg.path().string();
    const bool keyless = p->auth == "none" || (p->requires_api_key && !*p->requires_api_key && p->api_key_env.empty());
    if (!keyless) {
      s.api_key_env = p->api_key_env.empty() ? config::profile_key_variable(name) : p->api_key_env;
      s.env_file = p->env_file.empty() ? config::profile_env_file(name) : p->env_file;
    }
    if (!p->api_key.empty())
      log::warn(s.where + " holds an inline api_key, which jcode does not read (it would sit in a file other tools "
                          "and backups copy); move it with `jcode login --provider " + name + "` and delete the line");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

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
  reg->add_profiles(profile_specs(**cfg));
  for (const auto& s : reg->skipped_profiles()) log::info("profile " + s.name + " is not usable: " + s.reason);
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
