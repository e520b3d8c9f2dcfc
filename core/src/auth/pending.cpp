#include <jcode/auth/pending.hpp>
#include <jcode/fs/fs.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace jcode::auth {

namespace {

bool provider_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }
bool name_char(char c) { return provider_char(c) || c == '_'; }

std::string provider_of(std::string_view key) { return std::string(key.substr(0, key.find('.'))); }

std::string start_command(std::string_view key) {
  return "`jcode login --provider " + provider_of(key) + " --print-auth-url`";
}

// Reads a small regular file relative to a directory fd without following symlinks.
std::optional<std::string> read_at(int dirfd, const char* name) {
  int fd = ::openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= (1 << 20)) {
    std::string buf(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < buf.size()) {
      ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    buf.resize(got);
    out = std::move(buf);
  }
  ::close(fd);
  return out;
}

std::optional<PendingRecord> parse_record(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto e = j.find("expires_at_ms");
  auto l = j.find("login");
  if (e == j.end() || !e->is_number_integer() || l == j.end() || !l->is_object()) return std::nullopt;
  return PendingRecord{e->get<int64_t>(), *l};
}

}  // namespace

PendingStore::PendingStore(std::filesystem::path dir, NowMs now)
    : dir_(std::move(dir)), now_(std::move(now)) {}

PendingStore PendingStore::in_home(const std::filesystem::path& jcode_home, NowMs now) {
  return PendingStore(jcode_home / "pending-login", std::move(now));
}

Status PendingStore::check_key(std::string_view key) {
  auto bad = [&] {
    return Error{JCODE_E_INVALID_ARG,
                 "invalid pending-login key '" + std::string(key) +
                     "': expected <provider> or <provider>.<name> ([a-z0-9-], names also '_')"};
  };
  size_t dot = key.find('.');
  std::string_view provider = key.substr(0, dot);
  if (provider.empty() || provider.size() > 64) return bad();
  for (char c : provider)
    if (!provider_char(c)) return bad();
  if (dot != std::string_view::npos) {
    std::string_view name = key.substr(dot + 1);
    if (name.empty() || name.size() > 64) return bad();
    for (char c : name)
      if (!name_char(c)) return bad();
  }
  return {};
}

std::filesystem::path PendingStore::path_for(std::string_view key) const {
  return dir_ / (std::string(key) + ".json");
}

Result<PendingRecord> PendingStore::put(std::string_view key, nlohmann::json login, int64_t ttl_ms) {
  if (auto s = check_key(key); !s) return s.error();
  if (login.is_null()) login = nlohmann::json::object();
  if (!login.is_object()) return Error{JCODE_E_INVALID_ARG, "pending login state must be a JSON object"};
  if (ttl_ms <= 0) return Error{JCODE_E_INVALID_ARG, "pending login state needs a positive lifetime"};
  cleanup_stale();
  login["provider"] = provider_of(key);
  PendingRecord rec{now_() + ttl_ms, std::move(login)};
  nlohmann::json doc = {{"expires_at_ms", rec.expires_at_ms}, {"login", rec.login}};
  if (auto s = fs::ensure_private_dir(dir_); !s) return s.error();
  std::string text;
  try {
    text = doc.dump(2) + "\n";
  } catch (const nlohmann::json::exception&) {
    return Error{JCODE_E_INVALID_ARG, "pending login state must be valid UTF-8 text"};
  }
  if (auto s = fs::atomic_write(path_for(key), text, 0600); !s) return s.error();
  return rec;
}

Result<PendingRecord> PendingStore::get(std::string_view key) {
  if (auto s = check_key(key); !s) return s.error();
  std::string provider = provider_of(key);
  auto path = path_for(key);
  auto text = fs::read_file(path, 1 << 20);
  if (!text) {
    cleanup_stale();
    if (text.status() == JCODE_E_NOT_FOUND)
      return Error{JCODE_E_NOT_FOUND, "No pending " + provider + " login state found. Run " +
                                          start_command(key) + " first."};
    return text.error();
  }
  auto rec = parse_record(*text);
  if (!rec)
    return Error{JCODE_E_PROTOCOL, "Pending login state " + path.string() +
                                       " is not a valid record. Delete it and run " +
                                       start_command(key) + " again."};
  if (rec->expires_at_ms <= now_()) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    cleanup_stale();
    return Error{JCODE_E_AUTH_EXPIRED, "Pending " + provider + " login state expired. Run " +
                                           start_command(key) + " again."};
  }
  cleanup_stale();
  auto p = rec->login.find("provider");
  if (p == rec->login.end() || !p->is_string() || p->get<std::string>() != provider)
    return Error{JCODE_E_PROTOCOL, "Pending login state " + path.string() +
                                       " belongs to another provider. Run " + start_command(key) +
                                       " again."};
  return *rec;
}

Status PendingStore::erase(std::string_view key) {
  if (auto s = check_key(key); !s) return s.error();
  std::error_code ec;
  std::filesystem::remove(path_for(key), ec);
  if (ec) return Error{JCODE_E_IO, "could not remove " + path_for(key).string() + ": " + ec.message()};
  return {};
}

size_t PendingStore::cleanup_stale() {
  int dirfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd < 0) return 0;
  DIR* d = ::fdopendir(dirfd);
  if (d == nullptr) {
    ::close(dirfd);
    return 0;
  }
  size_t removed = 0;
  const int64_t now = now_();
  std::vector<std::string> stale;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.size() <= 5 || name.substr(name.size() - 5) != ".json") continue;
    struct stat st {};
    if (::fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
    auto text = read_at(dirfd, e->d_name);
    if (!text) continue;
    auto rec = parse_record(*text);
    if (rec && rec->expires_at_ms <= now) stale.emplace_back(name);
  }
  for (const auto& name : stale)
    if (::unlinkat(dirfd, name.c_str(), 0) == 0) ++removed;
  ::closedir(d);  // closes dirfd
  return removed;
}

Status PendingStore::put_value(std::string_view key, std::string_view value, int64_t ttl_ms) {
  auto r = put(key, nlohmann::json{{"value", std::string(value)}}, ttl_ms);
  if (!r) return r.error();
  return {};
}

Result<std::string> PendingStore::get_value(std::string_view key) {
  auto r = get(key);
  if (!r) return r.error();
  auto v = r->login.find("value");
  if (v == r->login.end() || !v->is_string())
    return Error{JCODE_E_NOT_FOUND, "pending state '" + std::string(key) + "' holds no value"};
  return v->get<std::string>();
}

}  // namespace jcode::auth
