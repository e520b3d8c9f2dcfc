// The data behind `jcode plugins list` and `jcode plugins info`, as text or JSON. The CLI
// prints what these return; they do no I/O of their own.
#pragma once

#include <jcode/error.hpp>
#include <jcode/paths/env.hpp>
#include <jcode/plugins/registry.hpp>
#include <jcode/plugins/search_path.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace jcode::plugins {

struct ListOptions {
  bool verbose = false;                // adds search path, warnings, timing, descriptions
  std::vector<SearchDir> search_path;  // what discover() was given, for --verbose
};

// Loaded plugins (id, name, version, path, negotiated ABI, roles) and every skipped file
// with its reason.
nlohmann::json list_json(const Registry& registry, const ListOptions& options = {});
std::string list_text(const Registry& registry, const ListOptions& options = {});

// One plugin: roles, declared endpoints with their effective URLs (through
// registry.services().endpoint_url), credential sources in discovery order, login and
// transport details. JCODE_E_NOT_FOUND (with the skip reason when there is one) otherwise.
// Sources show, besides the declared location, the file jcode reads for them in `env`
// (JCODE_HOME moves jcode's own files and other tools' files under $JCODE_HOME/external/).
Result<nlohmann::json> info_json(const Registry& registry, std::string_view id,
                                 const paths::Env& env = paths::process_env());
Result<std::string> info_text(const Registry& registry, std::string_view id,
                              const paths::Env& env = paths::process_env());

// "credentials, login, transport"
std::string roles_text(uint32_t roles);

}  // namespace jcode::plugins
