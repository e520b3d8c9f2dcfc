// jcode's own credential files, by the plugin's source declaration: JCODE_FILE sources live
// in the jcode home ("auth.json"), APP_ENV_FILE sources in the app config dir
// ("fireworks.env", one KEY=value per line). Writes are atomic with mode 0600 in 0700
// directories. A file that is corrupt is reported with its path and the fix, and is never
// overwritten: writers read the current content through here first.
#pragma once

#include <jcode/error.hpp>
#include <jcode/model/source.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::auth {

class CredentialStore {
 public:
  CredentialStore(std::filesystem::path jcode_home, std::filesystem::path app_config_dir);
  // From jcode::paths (JCODE_HOME, XDG_CONFIG_HOME, HOME).
  static Result<CredentialStore> from_environment();

  const std::filesystem::path& jcode_home() const { return jcode_home_; }
  const std::filesystem::path& app_config_dir() const { return app_config_dir_; }

  // Where an own source lives. JCODE_E_INVALID_ARG for other kinds or a location that is
  // absolute or climbs out with "..".
  Result<std::filesystem::path> path_of(const model::SourceDecl& source) const;

  // The file's bytes; nullopt when it does not exist. A symbolic link or a file owned by
  // another user is refused; group/other permission bits are removed with a warning. A *.json file that is empty or not
  // valid JSON is JCODE_E_PROTOCOL naming the file and the fix (it is left as it is).
  Result<std::optional<std::string>> read(const model::SourceDecl& source) const;

  // Replaces the file atomically (mode 0600, directory 0700).
  Status write(const model::SourceDecl& source, std::string_view content) const;

  // Whether write() of about `bytes` bytes would succeed now (directory usable, room on the
  // disk), leaving the file as it is. Checked before anything that cannot be taken back.
  Status check_writable(const model::SourceDecl& source, std::size_t bytes) const;

  // Removes the file; absent is fine.
  Status remove(const model::SourceDecl& source) const;

  // APP_ENV_FILE sources: the value of source.key (sanitised: whitespace, zero-width
  // characters and one layer of quotes trimmed); nullopt when the file or key is absent.
  // Invisible characters that were stripped are reported in warnings (never the value).
  Result<std::optional<std::string>> read_env_value(const model::SourceDecl& source,
                                                    std::vector<std::string>* warnings = nullptr) const;
  // Sets source.key=value keeping the file's other lines; value must not hold CR or LF.
  Status write_env_value(const model::SourceDecl& source, std::string_view value) const;
  // Removes source.key from the file, keeping the other lines.
  Status remove_env_value(const model::SourceDecl& source) const;

 private:
  std::filesystem::path jcode_home_;
  std::filesystem::path app_config_dir_;
};

}  // namespace jcode::auth
