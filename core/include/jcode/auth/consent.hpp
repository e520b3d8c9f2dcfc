// Consent for other tools' credential files (and commands): jcode reads one only after the
// user approved it on a terminal, and remembers the approval per source id and canonical
// path in config.toml ([auth] trusted_external_source_paths = ["<id>|<path>"], lowercased;
// commands: trusted_external_sources = ["<id>"]). Such files are never written, moved,
// chmod'ed or locked: they are opened read-only without following a final symlink, and every
// check is made on the opened descriptor (jcode::fs::open_external_readonly).
#pragma once

#include <jcode/auth/io.hpp>
#include <jcode/error.hpp>
#include <jcode/fs/fs.hpp>
#include <jcode/model/source.hpp>
#include <jcode/paths/env.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace jcode::auth {

struct ConsentRequest {
  std::string provider;          // plugin id ("claude"), for the commands in messages
  std::string provider_display;  // "Claude"
  UserIo* io = nullptr;          // prompts and warnings; null: never prompt
  bool interactive = false;      // a terminal is there (ui::interactive())
  bool explicit_provider = false;  // --provider X was given: a needed prompt that cannot be
                                   // shown is an error; otherwise the source is skipped
  bool allow_prompt = true;      // false for read-only probes (auth status): never ask
};

enum class ExternalState {
  read,        // approved (now or before) and read
  absent,      // no such file
  untrusted,   // exists, not approved, not asked (non-interactive or probe)
  declined,    // the user answered no
  refused,     // symlink, not a regular file, other owner, unreadable
};

struct ExternalProbe {
  ExternalState state = ExternalState::absent;
  std::filesystem::path path;       // where it was looked for (canonical when it exists)
  std::string content;              // when read
  std::string detail;               // why not read, for traces and warnings
};

class Consent {
 public:
  // config_path: <jcode home>/config.toml
  explicit Consent(std::filesystem::path config_path, const paths::Env& env = paths::process_env());

  // Where an external source's file is (its "~/" location, under $JCODE_HOME/external/ when
  // JCODE_HOME is set).
  Result<std::filesystem::path> locate(const model::SourceDecl& source) const;

  Result<bool> is_trusted(std::string_view source_id, const std::filesystem::path& canonical_path) const;
  Result<bool> is_command_trusted(std::string_view source_id) const;

  // Approves a file for a source id (for `jcode auth trust add`). The file must exist and not
  // be a symlink; the canonical path is stored and returned.
  Result<std::filesystem::path> trust(std::string_view source_id, const std::filesystem::path& path) const;
  // Removes an approval; true when one was there. The path need not exist any more.
  Result<bool> revoke(std::string_view source_id, const std::filesystem::path& path) const;
  Status trust_command(std::string_view source_id) const;
  Result<bool> revoke_command(std::string_view source_id) const;
  // "<id>|<path>" entries, then plain "<id>" entries, as stored (env override applied).
  Result<std::vector<std::string>> list() const;

  // The whole consent flow for an EXTERNAL_FILE source: lstat only until approved; approval
  // asked on the terminal (stderr, [y/N]); the file read through open_external_readonly.
  // Non-interactive: an explicit provider fails (JCODE_E_NONINTERACTIVE, saying how to
  // approve); otherwise the source is skipped with a warning.
  Result<ExternalProbe> read_external(const model::SourceDecl& source, const ConsentRequest& req) const;

  // The same decision for a COMMAND source; true when it may be run.
  Result<bool> approve_command(const model::SourceDecl& source, const ConsentRequest& req) const;

  const std::filesystem::path& config_path() const { return config_path_; }

 private:
  const paths::Env& env_;
  std::filesystem::path config_path_;
};

}  // namespace jcode::auth
