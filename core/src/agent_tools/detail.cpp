#include "agent_tools/detail.hpp"

#include <jcode/crypto/crypto.hpp>
#include <jcode/paths/paths.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <system_error>

namespace jcode::agent_tools::detail {

namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

Error bad_arg(std::string_view tool, std::string message) {
  return Error{JCODE_E_INVALID_ARG, std::string(tool) + ": " + std::move(message)};
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

}  // namespace

Status require_object(const json& input, std::string_view tool) {
  if (!input.is_object()) return bad_arg(tool, "the arguments must be a JSON object");
  return {};
}

Result<std::string> required_string(const json& input, std::string_view tool, const char* field) {
  auto it = input.find(field);
  if (it == input.end() || it->is_null()) {
    return bad_arg(tool, std::string("missing required string field \"") + field + "\"");
  }
  if (!it->is_string()) return bad_arg(tool, std::string("field \"") + field + "\" must be a string");
  return it->get<std::string>();
}

Result<std::optional<std::string>> optional_string(const json& input, std::string_view tool,
                                                   const char* field) {
  auto it = input.find(field);
  if (it == input.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return bad_arg(tool, std::string("field \"") + field + "\" must be a string");
  return std::optional<std::string>{it->get<std::string>()};
}

Result<std::optional<int64_t>> optional_count(const json& input, std::string_view tool,
                                              const char* field) {
  auto it = input.find(field);
  if (it == input.end() || it->is_null()) return std::optional<int64_t>{};
  const std::string err = std::string("field \"") + field + "\" must be a non-negative integer";
  if (it->is_number_unsigned()) {
    const auto v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(INT64_MAX)) return bad_arg(tool, err);
    return std::optional<int64_t>{static_cast<int64_t>(v)};
  }
  if (it->is_number_integer()) {
    const auto v = it->get<int64_t>();
    if (v < 0) return bad_arg(tool, err);
    return std::optional<int64_t>{v};
  }
  if (it->is_number_float()) {
    const double d = it->get<double>();
    if (!(d >= 0) || d > 9e15 || std::floor(d) != d) return bad_arg(tool, err);
    return std::optional<int64_t>{static_cast<int64_t>(d)};
  }
  return bad_arg(tool, err);
}

Result<bool> optional_bool(const json& input, std::string_view tool, const char* field,
                           bool fallback) {
  auto it = input.find(field);
  if (it == input.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return bad_arg(tool, std::string("field \"") + field + "\" must be true or false");
  return it->get<bool>();
}

Result<stdfs::path> workspace_root(const ToolContext& ctx) {
  std::error_code ec;
  stdfs::path cwd = ctx.cwd.empty() ? stdfs::current_path(ec) : stdfs::absolute(ctx.cwd, ec);
  if (ec) return Error{JCODE_E_IO, "cannot determine the workspace directory: " + ec.message()};
  auto root = stdfs::canonical(cwd, ec);
  if (ec) {
    return Error{JCODE_E_NOT_FOUND, "the workspace directory " + cwd.string() +
                                        " is not usable: " + ec.message()};
  }
  return root;
}

bool is_within(const stdfs::path& root, const stdfs::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (r->empty()) continue;  // a trailing separator
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

std::vector<stdfs::path> protected_roots(const ToolContext& ctx) {
  std::vector<stdfs::path> out;
  for (const auto& guarded : ctx.protected_paths) {
    if (guarded.empty() || !guarded.is_absolute()) continue;
    std::error_code ec;
    auto real = stdfs::weakly_canonical(guarded, ec);
    out.push_back(ec ? guarded.lexically_normal() : real);
  }
  return out;
}

std::optional<stdfs::path> protected_by(const std::vector<stdfs::path>& roots, const stdfs::path& p) {
  for (const auto& r : roots) {
    if (is_within(r, p)) return r;
  }
  return std::nullopt;
}

Result<stdfs::path> resolve(const ToolContext& ctx, std::string_view tool, std::string_view user_path) {
  if (user_path.empty()) return bad_arg(tool, "\"path\" is empty");
  if (user_path.find('\0') != std::string_view::npos) return bad_arg(tool, "\"path\" contains a NUL byte");
  auto root = workspace_root(ctx);
  if (!root) return root.error();
  const stdfs::path given(user_path);
  const stdfs::path abs = given.is_absolute() ? given : *root / given;
  std::error_code ec;
  stdfs::path resolved = stdfs::weakly_canonical(abs, ec);
  if (ec) {
    return Error{JCODE_E_IO, std::string(tool) + ": cannot resolve " + std::string(user_path) + ": " +
                                 ec.message()};
  }
  if (ctx.confine_to_workspace && !is_within(*root, resolved)) {
    std::string msg = std::string(tool) + ": " + std::string(user_path) + " is outside the workspace " +
                      root->string();
    if (resolved != abs.lexically_normal()) msg += " (it resolves to " + resolved.string() + ")";
    msg += "; only files inside the workspace can be used";
    return Error{JCODE_E_DENIED, std::move(msg)};
  }
  if (auto guarded = protected_by(protected_roots(ctx), resolved)) {
    return Error{JCODE_E_DENIED, std::string(tool) + ": " + std::string(user_path) + " is under " +
                                     guarded->string() +
                                     ", which holds credentials; file tools do not open it"};
  }
  return resolved;
}

std::string display(const stdfs::path& root, const stdfs::path& p) {
  if (!is_within(root, p)) return p.string();
  auto rel = p.lexically_relative(root).generic_string();
  return rel.empty() ? std::string(".") : rel;
}

bool looks_binary(std::string_view bytes) {
  const auto head = bytes.substr(0, std::min<std::size_t>(bytes.size(), 8192));
  return head.find('\0') != std::string_view::npos;
}

Status replace_file(const stdfs::path& path, std::string_view bytes, mode_t mode) {
  auto suffix = crypto::random_alnum(12);
  if (!suffix) return suffix.error();
  const stdfs::path tmp = path.parent_path() / ("." + path.filename().string() + ".jcode-" + *suffix);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error{JCODE_E_IO, "cannot write " + path.string() + ": cannot create a temporary file next to it: " +
                                 errno_text(errno)};
  }
  auto fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Error{JCODE_E_IO, "cannot write " + path.string() + ": " + what + ": " + errno_text(err)};
  };
  std::size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write failed");
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) return fail("cannot set its permissions");
  if (::fsync(fd) != 0) return fail("fsync failed");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return Error{JCODE_E_IO, "cannot write " + path.string() + ": " + errno_text(err)};
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return Error{JCODE_E_IO, "cannot write " + path.string() + ": " + errno_text(err)};
  }
  return {};
}

std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

}  // namespace jcode::agent_tools::detail

namespace jcode::agent_tools {

std::vector<std::filesystem::path> default_protected_paths() {
  static const char* const kHomeRelative[] = {
      ".jcode", ".ssh", ".gnupg", ".aws", ".azure", ".netrc", ".git-credentials", ".npmrc", ".pypirc",
      ".docker/config.json", ".kube", ".claude", ".claude.json", ".codex", ".gemini", ".cursor", ".pi",
      ".config/jcode", ".config/gcloud", ".config/gh", ".config/github-copilot", ".config/cursor",
      ".local/share/opencode"};
  std::vector<std::filesystem::path> out;
  if (auto p = paths::jcode_home()) out.push_back(*p);
  if (auto p = paths::app_config_dir()) out.push_back(*p);
  const auto home = paths::home_dir();
  for (const char* rel : kHomeRelative) {
    if (home) out.push_back(*home / rel);
    if (auto ext = paths::external_path(std::string("~/") + rel); ext && (!home || *ext != *home / rel)) {
      out.push_back(*ext);
    }
  }
  return out;
}

}  // namespace jcode::agent_tools
