// The raw side of a loaded plugin, shared by registry.cpp (loading) and calls.cpp.
#pragma once

#include "plugins/host_ctx.hpp"

#include <jcode/plugin.h>
#include <jcode/plugins/registry.hpp>

#include <memory>
#include <vector>

namespace jcode::plugins {

struct LoadedLibrary {
  const jcode_plugin_api* api = nullptr;         // static const inside the plugin image
  std::unique_ptr<jcode_host_ctx> ctx;           // handed to entry, create and every upcall
  jcode_instance* instance = nullptr;            // from create()
  std::vector<const jcode_source_decl*> source_decls;  // parallel to PluginInfo::sources
};

namespace detail {
// Checks a plugin table returned by entry and copies its declarations into info. Returns a
// one-line reason when the table breaks a MANDATORY rule.
std::optional<std::string> read_plugin_table(const jcode_plugin_api* api, const std::string& file_id,
                                             PluginInfo& info,
                                             std::vector<const jcode_source_decl*>& source_decls);
}  // namespace detail

}  // namespace jcode::plugins
