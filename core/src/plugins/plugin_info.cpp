#include <jcode/plugins/plugin_info.hpp>

namespace jcode::plugins {

const model::SourceDecl* PluginInfo::source(std::string_view source_id) const {
  for (const auto& s : sources)
    if (s.id == source_id) return &s;
  return nullptr;
}

const model::SourceDecl* PluginInfo::login_target() const {
  for (const auto& s : sources)
    if (s.login_target()) return &s;
  return nullptr;
}

const EndpointDecl* PluginInfo::endpoint(std::string_view name) const {
  for (const auto& e : endpoints)
    if (e.name == name) return &e;
  return nullptr;
}

const AliasDecl* PluginInfo::alias(std::string_view name) const {
  for (const auto& a : aliases)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace jcode::plugins
