// The raw side of a loaded plugin, shared by registry.cpp (loading) and calls.cpp.
#pragma once

#include "plugins/host_ctx.hpp"

#include <jcode/plugin.h>
#include <jcode/plugins/registry.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jcode::plugins {

struct LoadedLibrary {
  const jcode_plugin_api* api = nullptr;         // static const inside the plugin image
  std::unique_ptr<jcode_host_ctx> ctx;           // handed to entry, create and every upcall
  jcode_instance* instance = nullptr;            // from create()
  std::vector<const jcode_source_decl*> source_decls;  // parallel to PluginInfo::sources
  // A profile's sources are the host's, declared from config.toml: their C structs and the
  // strings they point at live here (source_decls points into it).
  struct OwnedSource {
    std::string id, location, key, label;
    jcode_source_decl decl{};
  };
  std::vector<std::unique_ptr<OwnedSource>> owned_sources;
};

namespace detail {
// Checks a plugin table returned by entry and copies its declarations into info. Returns a
// one-line reason when the table breaks a MANDATORY rule.
std::optional<std::string> read_plugin_table(const jcode_plugin_api* api, const std::string& file_id,
                                             PluginInfo& info,
                                             std::vector<const jcode_source_decl*>& source_decls);
// ABI 1.3: the further providers a plugin declares (none below minor 3).
std::vector<const jcode_provider_decl*> provider_decls(const jcode_plugin_api* api, uint32_t abi_minor);
// One of them as a provider of its own: `library` (the plugin's own info) with the
// declaration's id, names, endpoints, sources and default model. A one-line reason when the
// declaration breaks a MANDATORY rule.
std::optional<std::string> read_provider_decl(const jcode_plugin_api* api, const jcode_provider_decl* decl,
                                              const PluginInfo& library, PluginInfo& info,
                                              std::vector<const jcode_source_decl*>& source_decls);
}  // namespace detail

}  // namespace jcode::plugins
