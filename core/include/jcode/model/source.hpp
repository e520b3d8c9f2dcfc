// C++ mirror of jcode_source_decl: one place a plugin's credential may come from.
#pragma once

#include <jcode/model/credential.hpp>

#include <cstdint>
#include <string>

namespace jcode::model {

enum class SourceKind : int32_t {
  jcode_file = JCODE_SOURCE_JCODE_FILE,        // location relative to the jcode home
  app_env_file = JCODE_SOURCE_APP_ENV_FILE,    // location relative to the app config dir
  external_file = JCODE_SOURCE_EXTERNAL_FILE,  // another tool's file: consent, read-only
  env_var = JCODE_SOURCE_ENV_VAR,
  command = JCODE_SOURCE_COMMAND,              // another tool's command: consent
  plugin = JCODE_SOURCE_PLUGIN,                // the plugin resolves it itself
};

struct SourceDecl {
  SourceKind kind = SourceKind::jcode_file;
  std::string id;        // consent records key
  std::string location;
  std::string key;       // env-file variable
  std::string label;     // human name
  CredentialKind cred_kind = CredentialKind::oauth;
  uint32_t flags = 0;    // JCODE_SOURCE_F_*
  int index = 0;         // position in the plugin's declaration (discovery order)

  bool login_target() const { return (flags & JCODE_SOURCE_F_LOGIN_TARGET) != 0; }
  bool shared() const { return (flags & JCODE_SOURCE_F_SHARED) != 0; }
};

}  // namespace jcode::model
