#include <jcode/envfile/envfile.hpp>

#include <jcode/fs/fs.hpp>

#include <array>

namespace jcode::envfile {
namespace {

namespace stdfs = std::filesystem;

constexpr std::size_t kMaxEnvFile = 1u << 20;

// UTF-8 encodings of what is trimmed. `invisible` ones make a warning; plain ASCII
// whitespace around "=" is ordinary formatting.
struct Seq {
  std::string_view bytes;
  bool invisible;
  bool zero_width;
};
constexpr std::array<Seq, 26> kTrim{{
    {" ", false, false}, {"\t", false, false}, {"\v", false, false}, {"\f", false, false}, {"\r", false, false},
    {"\xC2\x85", true, false},       // NEL
    {"\xC2\xA0", true, false},       // NO-BREAK SPACE
    {"\xE1\x9A\x80", true, false},   // OGHAM SPACE MARK
    {"\xE2\x80\x80", true, false}, {"\xE2\x80\x81", true, false}, {"\xE2\x80\x82", true, false},
    {"\xE2\x80\x83", true, false}, {"\xE2\x80\x84", true, false}, {"\xE2\x80\x85", true, false},
    {"\xE2\x80\x86", true, false}, {"\xE2\x80\x87", true, false}, {"\xE2\x80\x88", true, false},
    {"\xE2\x80\x89", true, false}, {"\xE2\x80\x8A", true, false},  // U+2000..U+200A
    {"\xE2\x80\xA8", true, false}, {"\xE2\x80\xA9", true, false},  // LINE/PARAGRAPH SEPARATOR
    {"\xE2\x80\xAF", true, false}, {"\xE2\x81\x9F", true, false},  // NNBSP, MMSP
    {"\xE3\x80\x80", true, false},                                  // IDEOGRAPHIC SPACE
    {"\xE2\x80\x8B", true, true},                                   // ZERO WIDTH SPACE
    {"\xEF\xBB\xBF", true, true},                                   // BOM / ZWNBSP
}};
constexpr std::array<std::string_view, 3> kMoreZeroWidth{"\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0"};  // ZWNJ, ZWJ, WJ

// Length of a trimmable sequence at the start (front=true) or end of s, or 0.
std::size_t trim_len(std::string_view s, bool front, bool& invisible) {
  auto match = [&](std::string_view seq) {
    return front ? s.starts_with(seq) : s.ends_with(seq);
  };
  for (const auto& t : kTrim) {
    if (match(t.bytes)) {
      invisible = invisible || t.invisible;
      return t.bytes.size();
    }
  }
  for (auto z : kMoreZeroWidth) {
    if (match(z)) {
      invisible = true;
      return z.size();
    }
  }
  return 0;
}

// Not text::trim: .env values pasted from web pages carry Unicode spaces and zero-width
// characters, and the invisible ones are reported.
std::string_view trim(std::string_view s, bool& invisible) {
  while (std::size_t n = trim_len(s, true, invisible)) s.remove_prefix(n);
  while (std::size_t n = trim_len(s, false, invisible)) s.remove_suffix(n);
  return s;
}

// Zero-width characters inside a value are never intended.
std::string drop_zero_width(std::string_view s, bool& invisible) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    bool removed = false;
    for (auto z : {std::string_view("\xE2\x80\x8B"), std::string_view("\xEF\xBB\xBF"), kMoreZeroWidth[0],
                   kMoreZeroWidth[1], kMoreZeroWidth[2]}) {
      if (s.starts_with(z)) {
        s.remove_prefix(z.size());
        invisible = removed = true;
        break;
      }
    }
    if (!removed) {
      out.push_back(s.front());
      s.remove_prefix(1);
    }
  }
  return out;
}

std::string_view unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

struct Line {
  bool assignment = false;
  std::string key;
  bool exported = false;
};

// The key a raw line assigns (for rewriting), without judging its value.
Line classify(std::string_view raw) {
  bool ignored = false;
  std::string_view l = trim(raw, ignored);
  Line out;
  if (l.empty() || l.front() == '#') return out;
  if (l.starts_with("export ") || l.starts_with("export\t")) {
    out.exported = true;
    l.remove_prefix(7);
  }
  auto eq = l.find('=');
  if (eq == std::string_view::npos) return out;
  std::string_view k = l.substr(0, eq);
  out.key = drop_zero_width(trim(k, ignored), ignored);
  out.assignment = valid_key(out.key);
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// jcode's env files hold keys: checked like every own credential file (a regular file,
// yours, not readable by others — tightened with a warning — and never a symlink).
Result<std::string> read_existing(const stdfs::path& file, std::vector<std::string>* warnings = nullptr) {
  auto r = fs::read_private_file(file, warnings, kMaxEnvFile);
  if (!r.ok() && r.error().status == JCODE_E_NOT_FOUND) return std::string();
  return r;
}

std::string encode(std::string_view key, std::string_view value, bool exported) {
  std::string v(value);
  // A value that is itself quoted would lose its quotes on reading; wrap it in the other kind.
  if (unquote(value).size() != value.size()) {
    const char q = value.front() == '"' ? '\'' : '"';
    v = std::string(1, q) + v + q;
  }
  return (exported ? "export " : "") + std::string(key) + "=" + v;
}

}  // namespace

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(key.front())) return false;
  for (char c : key) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::optional<std::string> Parsed::get(std::string_view key) const {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key == key) return it->value;
  }
  return std::nullopt;
}

Parsed parse(std::string_view text, const stdfs::path& file) {
  Parsed out;
  int lineno = 0;
  for (std::string_view raw : split_lines(text)) {
    ++lineno;
    bool invisible = false;
    std::string_view l = trim(raw, invisible);
    if (l.empty() || l.front() == '#') continue;
    const std::string where = file.string() + ":" + std::to_string(lineno);
    if (l.starts_with("export ") || l.starts_with("export\t")) {
      l.remove_prefix(7);
      l = trim(l, invisible);
    }
    auto eq = l.find('=');
    if (eq == std::string_view::npos) {
      out.warnings.push_back(where + ": ignored a line that is not an assignment NAME=value");
      continue;
    }
    bool key_invisible = false;
    std::string key = drop_zero_width(trim(l.substr(0, eq), key_invisible), key_invisible);
    if (!valid_key(key)) {
      out.warnings.push_back(where + ": ignored an assignment with an invalid name (use letters, digits and _)");
      continue;
    }
    bool value_invisible = false;
    std::string_view v = trim(l.substr(eq + 1), value_invisible);
    v = trim(unquote(v), value_invisible);
    std::string value = drop_zero_width(v, value_invisible);
    if (invisible || key_invisible || value_invisible) {
      out.warnings.push_back(where + ": removed invisible characters (zero-width, non-breaking space or BOM) from " +
                             key + "; re-enter it or retype that line to clean the file");
    }
    out.entries.push_back(Entry{std::move(key), std::move(value), lineno});
  }
  return out;
}

Result<Parsed> load(const stdfs::path& file) {
  std::vector<std::string> warnings;
  auto text = fs::read_private_file(file, &warnings, kMaxEnvFile);
  if (!text.ok()) return std::move(text).error();
  auto parsed = parse(*text, file);
  parsed.warnings.insert(parsed.warnings.begin(), warnings.begin(), warnings.end());
  return parsed;
}

Status upsert(const stdfs::path& file, std::string_view key, std::string_view value) {
  if (!valid_key(key)) {
    return Error{JCODE_E_INVALID_ARG, "cannot save '" + std::string(key) + "' to " + file.string() +
                                          ": a variable name is letters, digits and _, not starting with a digit"};
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return Error{JCODE_E_INVALID_ARG, "cannot save " + std::string(key) + " to " + file.string() +
                                          ": the value contains a line break or NUL; remove it"};
  }
  bool invisible = false;
  if (trim(value, invisible).size() != value.size() || drop_zero_width(value, invisible).size() != value.size()) {
    return Error{JCODE_E_INVALID_ARG, "cannot save " + std::string(key) + " to " + file.string() +
                                          ": the value has surrounding spaces or invisible characters; remove them"};
  }
  auto current = read_existing(file);
  if (!current.ok()) return std::move(current).error();
  std::string out;
  bool written = false;
  for (std::string_view raw : split_lines(*current)) {
    Line l = classify(raw);
    if (l.assignment && l.key == key) {
      if (written) continue;
      out += encode(key, value, l.exported);
      written = true;
    } else {
      out += raw;
    }
    out += '\n';
  }
  if (!written) out += encode(key, value, false) + "\n";
  return fs::atomic_write(file, out, 0600);
}

Result<bool> remove(const stdfs::path& file, std::string_view key) {
  auto current = read_existing(file);
  if (!current.ok()) return std::move(current).error();
  std::string out;
  bool removed = false;
  for (std::string_view raw : split_lines(*current)) {
    Line l = classify(raw);
    if (l.assignment && l.key == key) {
      removed = true;
      continue;
    }
    out += raw;
    out += '\n';
  }
  if (!removed) return false;
  if (auto s = fs::atomic_write(file, out, 0600); !s.ok()) return std::move(s).error();
  return true;
}

}  // namespace jcode::envfile
