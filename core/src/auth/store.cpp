#include <jcode/auth/store.hpp>
#include <jcode/fs/fs.hpp>
#include <jcode/log/log.hpp>
#include <jcode/paths/paths.hpp>

#include <nlohmann/json.hpp>

namespace jcode::auth {

namespace {

bool ends_with_json(const std::filesystem::path& p) { return p.extension() == ".json"; }

// The store does not know the provider id; the label says whose file it is.
std::string provider_hint(const model::SourceDecl& s) {
  return s.label.empty() ? std::string("with `jcode login`") : "with `jcode login` (the file holds " + s.label + ")";
}

}  // namespace

CredentialStore::CredentialStore(std::filesystem::path jcode_home, std::filesystem::path app_config_dir)
    : jcode_home_(std::move(jcode_home)), app_config_dir_(std::move(app_config_dir)) {}

Result<CredentialStore> CredentialStore::from_environment() {
  auto home = paths::jcode_home();
  if (!home) return home.error();
  auto cfg = paths::app_config_dir();
  if (!cfg) return cfg.error();
  return CredentialStore(*home, *cfg);
}

Result<std::filesystem::path> CredentialStore::path_of(const model::SourceDecl& s) const {
  const std::filesystem::path* base = nullptr;
  if (s.kind == model::SourceKind::jcode_file) base = &jcode_home_;
  if (s.kind == model::SourceKind::app_env_file) base = &app_config_dir_;
  if (base == nullptr)
    return Error{JCODE_E_INVALID_ARG, "source '" + s.id + "' is not one of jcode's own files"};
  std::filesystem::path rel(s.location);
  bool bad = rel.empty() || rel.is_absolute();
  for (const auto& part : rel)
    if (part == "..") bad = true;
  if (bad)
    return Error{JCODE_E_INVALID_ARG, "source '" + s.id + "' has an invalid location '" + s.location +
                                          "' (expected a file name relative to the jcode directories)"};
  return *base / rel;
}

Result<std::optional<std::string>> CredentialStore::read(const model::SourceDecl& s) const {
  auto path = path_of(s);
  if (!path) return path.error();
  std::vector<std::string> warnings;
  auto text = fs::read_private_file(*path, &warnings);
  for (const auto& w : warnings) log::warn(w);
  if (!text) {
    if (text.status() == JCODE_E_NOT_FOUND) return std::optional<std::string>{};
    return text.error();
  }
  if (ends_with_json(*path)) {
    auto j = nlohmann::json::parse(*text, nullptr, false);
    const bool nul = text->find('\0') != std::string::npos;  // NUL padding after a crash
    if (j.is_discarded() || nul) {
      std::string what = text->empty() ? "is empty" : nul ? "contains NUL bytes" : "is not valid JSON";
      return Error{JCODE_E_PROTOCOL,
                   path->string() + " " + what +
                       " (truncated or edited by hand?). jcode will not overwrite it: repair it, or "
                       "move it aside and log in again " + provider_hint(s) + "."};
    }
  }
  return std::optional<std::string>(std::move(*text));
}

Status CredentialStore::write(const model::SourceDecl& s, std::string_view content) const {
  auto path = path_of(s);
  if (!path) return path.error();
  if (auto st = fs::ensure_private_dir(path->parent_path()); !st) return st;
  return fs::atomic_write(*path, content, 0600);
}

Status CredentialStore::check_writable(const model::SourceDecl& s, std::size_t bytes) const {
  auto path = path_of(s);
  if (!path) return path.error();
  // The new file is written beside the old one before the rename: room for both.
  return fs::probe_write(*path, bytes);
}

Status CredentialStore::remove(const model::SourceDecl& s) const {
  auto path = path_of(s);
  if (!path) return path.error();
  std::error_code ec;
  std::filesystem::remove(*path, ec);
  if (ec) return Error{JCODE_E_IO, "could not remove " + path->string() + ": " + ec.message()};
  return {};
}

}  // namespace jcode::auth

#include <jcode/envfile/envfile.hpp>

namespace jcode::auth {

namespace {
Status require_env_source(const model::SourceDecl& s) {
  if (s.kind != model::SourceKind::app_env_file)
    return Error{JCODE_E_INVALID_ARG, "source '" + s.id + "' is not an env file"};
  if (!envfile::valid_key(s.key))
    return Error{JCODE_E_INVALID_ARG, "source '" + s.id + "' names an invalid variable '" + s.key + "'"};
  return {};
}
}  // namespace

Result<std::optional<std::string>> CredentialStore::read_env_value(const model::SourceDecl& s,
                                                                   std::vector<std::string>* warnings) const {
  if (auto st = require_env_source(s); !st) return st.error();
  auto path = path_of(s);
  if (!path) return path.error();
  auto parsed = envfile::load(*path);
  if (!parsed) {
    if (parsed.status() == JCODE_E_NOT_FOUND) return std::optional<std::string>{};
    return parsed.error();
  }
  if (warnings != nullptr)
    for (const auto& w : parsed->warnings) warnings->push_back(w);
  auto v = parsed->get(s.key);
  if (v && v->empty()) v.reset();
  return v;
}

Status CredentialStore::write_env_value(const model::SourceDecl& s, std::string_view value) const {
  if (auto st = require_env_source(s); !st) return st;
  auto path = path_of(s);
  if (!path) return path.error();
  if (auto st = fs::ensure_private_dir(path->parent_path()); !st) return st;
  return envfile::upsert(*path, s.key, value);
}

Status CredentialStore::remove_env_value(const model::SourceDecl& s) const {
  if (auto st = require_env_source(s); !st) return st;
  auto path = path_of(s);
  if (!path) return path.error();
  auto r = envfile::remove(*path, s.key);
  if (!r) return r.error();
  return {};
}

}  // namespace jcode::auth
