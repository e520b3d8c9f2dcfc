// Where jcode keeps its files and where other tools keep theirs.
//
//   jcode home       $JCODE_HOME, else ~/.jcode                    (tokens, config.toml, state)
//   app config dir   $JCODE_HOME/config/jcode when JCODE_HOME is set (sandbox), else
//                    $XDG_CONFIG_HOME/jcode, else ~/.config/jcode   (API-key *.env files)
//   data home        $XDG_DATA_HOME, else ~/.local/share            (XDG data root)
//   home             $HOME, else the passwd entry of the current user
//
// Env values must be absolute paths: a relative JCODE_HOME or HOME is an error naming the
// variable; a relative XDG_* value is ignored, as the XDG Base Directory spec requires.
#pragma once

#include <jcode/error.hpp>
#include <jcode/paths/env.hpp>

#include <filesystem>
#include <string_view>

namespace jcode::paths {

Result<std::filesystem::path> home_dir(const Env& env = process_env());
Result<std::filesystem::path> jcode_home(const Env& env = process_env());
Result<std::filesystem::path> app_config_dir(const Env& env = process_env());
Result<std::filesystem::path> data_home(const Env& env = process_env());

// "~" and "~/x" → home_dir()/x; absolute paths unchanged; "~user/..." and relative paths are
// refused (JCODE_E_INVALID_ARG) since nothing in jcode needs them and they are ambiguous.
Result<std::filesystem::path> expand_user(std::string_view path, const Env& env = process_env());

// Location of another tool's file as a plugin declares it ("~/.codex/auth.json"). Like
// expand_user, except that with JCODE_HOME set it maps under $JCODE_HOME/external/ so a
// sandboxed jcode never sees the real user's files (upstream jcode's `user_home_path` rule).
Result<std::filesystem::path> external_path(std::string_view location, const Env& env = process_env());

}  // namespace jcode::paths
