#include <jcode/auth/consent.hpp>
#include <jcode/config/config.hpp>
#include <jcode/log/log.hpp>
#include <jcode/paths/paths.hpp>

#include <sys/stat.h>

namespace jcode::auth {

namespace {
// The user's config.toml is edited in place; only when that cannot be done is it re-rendered,
// and then the loss of comments is said before the write.
Status save_config(const config::Config& cfg) {
  if (!cfg.save_keeps_text() && cfg.had_comments())
    log::warn(cfg.path().string() + " is rewritten without its comments (this change could not be made in place)");
  return cfg.save();
}

// The canonical form of a path whose last component is not followed: the parent directory
// resolved (dotfile managers symlink directories), the name kept.
std::filesystem::path canonical_keep_name(const std::filesystem::path& p) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(p, ec);
  if (ec) abs = p;
  auto parent = std::filesystem::weakly_canonical(abs.parent_path(), ec);
  if (ec) return abs.lexically_normal();
  return parent / abs.filename();
}

std::string display_of(const ConsentRequest& req) {
  return req.provider_display.empty() ? req.provider : req.provider_display;
}

std::string label_of(const model::SourceDecl& s) { return s.label.empty() ? s.id : s.label; }

std::string trust_command_text(const model::SourceDecl& s, const std::filesystem::path& p) {
  return "`jcode auth trust add " + s.id + " " + p.string() + "`";
}

}  // namespace

Consent::Consent(std::filesystem::path config_path, const paths::Env& env)
    : env_(env), config_path_(std::move(config_path)) {}

Result<std::filesystem::path> Consent::locate(const model::SourceDecl& s) const {
  if (s.kind != model::SourceKind::external_file)
    return Error{JCODE_E_INVALID_ARG, "source '" + s.id + "' is not another tool's file"};
  return paths::external_path(s.location, env_);
}

Result<bool> Consent::is_trusted(std::string_view source_id, const std::filesystem::path& canonical) const {
  auto cfg = config::Config::load(config_path_, env_);
  if (!cfg) return cfg.error();
  return cfg->is_path_trusted(source_id, canonical.string());
}

Result<bool> Consent::is_command_trusted(std::string_view source_id) const {
  auto cfg = config::Config::load(config_path_, env_);
  if (!cfg) return cfg.error();
  return cfg->is_source_trusted(source_id);
}

Result<std::filesystem::path> Consent::trust(std::string_view source_id, const std::filesystem::path& path) const {
  if (source_id.empty()) return Error{JCODE_E_INVALID_ARG, "trust add: the source id is empty"};
  auto id = fs::lstat_identity(path);
  if (!id) {
    if (id.status() == JCODE_E_NOT_FOUND)
      return Error{JCODE_E_NOT_FOUND, "trust add: " + path.string() + " does not exist; approve a file that is there"};
    return id.error();
  }
  if (S_ISLNK(id->mode))
    return Error{JCODE_E_DENIED, "trust add: refusing " + path.string() +
                                     ": it is a symlink. Approve the file it points to instead."};
  if (!S_ISREG(id->mode))
    return Error{JCODE_E_DENIED, "trust add: " + path.string() + " is not a regular file"};
  auto canonical = canonical_keep_name(path);
  auto cfg = config::Config::load(config_path_, env_);
  if (!cfg) return cfg.error();
  cfg->add_trusted_source_path(source_id, canonical.string());
  if (auto st = save_config(*cfg); !st) return st.error();
  return canonical;
}

Result<bool> Consent::revoke(std::string_view source_id, const std::filesystem::path& path) const {
  auto cfg = config::Config::load(config_path_, env_);
  if (!cfg) return cfg.error();
  bool removed = cfg->remove_trusted_source_path(source_id, canonical_keep_name(path).string());
  if (!removed) {
    std::error_code ec;
    removed = cfg->remove_trusted_source_path(source_id, std::filesystem::absolute(path, ec).lexically_normal().string());
  }
  if (removed)
    if (auto st = save_config(*cfg); !st) return st.error();
  return removed;
}

Status Consent::trust_command(std::string_view source_id) const {
  auto cfg = config::Config::load(config_path_, env_);
  if (!cfg) return cfg.error();
  cfg->add_trusted_source(source_id);
  return save_config(*cfg);
}

Result<bool> Consent::revoke_command(std::string_view source_id) const {
  auto cfg = config::Config::load(config_path_, env_);
  if (!cfg) return cfg.error();
  bool removed = cfg->remove_trusted_source(source_id);
  if (removed)
    if (auto st = save_config(*cfg); !st) return st.error();
  return removed;
}

Result<std::vector<std::string>> Consent::list() const {
  auto cfg = config::Config::load(config_path_, env_);
  if (!cfg) return cfg.error();
  auto out = cfg->trusted_external_source_paths();
  for (auto& s : cfg->trusted_external_sources()) out.push_back(std::move(s));
  return out;
}

Result<ExternalProbe> Consent::read_external(const model::SourceDecl& s, const ConsentRequest& req) const {
  ExternalProbe probe;
  auto path = locate(s);
  if (!path) return path.error();
  probe.path = *path;
  // Before approval nothing is opened: lstat only.
  auto id = fs::lstat_identity(*path);
  if (!id) {
    if (id.status() == JCODE_E_NOT_FOUND) {
      probe.state = ExternalState::absent;
      probe.detail = "not found";
      return probe;
    }
    probe.state = ExternalState::refused;
    probe.detail = id.error().message;
    return probe;
  }
  if (S_ISLNK(id->mode)) {
    probe.state = ExternalState::refused;
    probe.detail = "Refusing to read external auth file via symlink: " + path->string();
    return probe;
  }
  if (!S_ISREG(id->mode)) {
    probe.state = ExternalState::refused;
    probe.detail = "Refusing to read " + path->string() + ": not a regular file";
    return probe;
  }
  probe.path = canonical_keep_name(*path);
  auto trusted = is_trusted(s.id, probe.path);
  if (!trusted) return trusted.error();
  if (!*trusted) {
    const std::string found = "Found existing " + display_of(req) + " credentials from " + label_of(s) + " at " +
                              probe.path.string();
    if (req.allow_prompt && req.interactive && req.io != nullptr) {
      auto yes = req.io->confirm(found +
                                 ". jcode will only read that source in place after you approve it. It will not "
                                 "move, delete, or rewrite the original auth there. Trust this auth source for "
                                 "future jcode sessions?");
      if (!yes) return yes.error();
      if (!*yes) {
        probe.state = ExternalState::declined;
        probe.detail = "not approved (answered no)";
        return probe;
      }
      auto cfg = config::Config::load(config_path_, env_);
      if (!cfg) return cfg.error();
      cfg->add_trusted_source_path(s.id, probe.path.string());
      if (auto st = save_config(*cfg); !st) return st.error();
    } else if (req.allow_prompt && req.explicit_provider) {
      return Error{JCODE_E_NONINTERACTIVE,
                   found + ", but jcode will not read them without confirmation. Re-run in an interactive "
                           "terminal to approve, approve it for scripts with " +
                       trust_command_text(s, probe.path) + ", or run `jcode login --provider " + req.provider + "`."};
    } else {
      probe.state = ExternalState::untrusted;
      probe.detail = "not approved yet (approve with " + trust_command_text(s, probe.path) + ")";
      if (req.allow_prompt && req.io != nullptr)
        req.io->notify("jcode: skipping " + label_of(s) + " credentials at " + probe.path.string() +
                       ": not approved yet (approve with " + trust_command_text(s, probe.path) + ")");
      return probe;
    }
  }
  auto file = fs::open_external_readonly(probe.path);
  if (!file) {
    probe.state = file.status() == JCODE_E_NOT_FOUND ? ExternalState::absent : ExternalState::refused;
    probe.detail = file.error().message;
    return probe;
  }
  probe.state = ExternalState::read;
  probe.content = std::move(file->content);
  return probe;
}

Result<bool> Consent::approve_command(const model::SourceDecl& s, const ConsentRequest& req) const {
  auto trusted = is_command_trusted(s.id);
  if (!trusted) return trusted.error();
  if (*trusted) return true;
  const std::string found = "jcode can ask " + label_of(s) + " for " + display_of(req) + " credentials by running `" +
                            s.location + "`";
  if (req.allow_prompt && req.interactive && req.io != nullptr) {
    auto yes = req.io->confirm(found + ". It only reads what the command prints. Trust this auth source for future "
                                       "jcode sessions?");
    if (!yes) return yes.error();
    if (!*yes) return false;
    if (auto st = trust_command(s.id); !st) return st.error();
    return true;
  }
  if (req.allow_prompt && req.explicit_provider)
    return Error{JCODE_E_NONINTERACTIVE, found + ", but will not run it without confirmation. Re-run in an "
                                                 "interactive terminal, or approve it with `jcode auth trust add " +
                                             s.id + "`."};
  return false;
}

}  // namespace jcode::auth
