// jcode's KEY=value files in the app config dir (fireworks.env, azure-openai.env, …).
//
// Reading: one assignment per line; blank lines and lines starting with '#' are skipped; an
// optional "export " prefix is accepted. Keys and values are trimmed of Unicode whitespace
// and zero-width characters (U+200B/C/D, U+2060, BOM), which are also removed inside a
// value; then one layer of matching quotes ("…" or '…') is removed. Invisible characters
// are never part of a real key and made pasted keys fail with 401 (upstream issue #376), so
// their removal is reported as a warning naming file, line and key — never the value.
// Later assignments of a key win, as in a shell.
//
// Writing (upsert/remove) keeps every other line as it is and goes through
// fs::atomic_write with mode 0600.
#pragma once

#include <jcode/error.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::envfile {

struct Entry {
  std::string key;
  std::string value;
  int line = 0;  // 1-based
};

struct Parsed {
  std::vector<Entry> entries;         // in file order, duplicates included
  std::vector<std::string> warnings;  // safe to print: no values
  // The effective value of key (its last assignment).
  std::optional<std::string> get(std::string_view key) const;
};

// `file` is used in warnings only.
Parsed parse(std::string_view text, const std::filesystem::path& file);

// JCODE_E_NOT_FOUND when the file does not exist.
Result<Parsed> load(const std::filesystem::path& file);

// [A-Za-z_][A-Za-z0-9_]*
bool valid_key(std::string_view key);

// Sets key=value, replacing its first assignment (later duplicates are dropped) or appending.
// Refuses an invalid key, a value with CR, LF or NUL, and a value with leading or trailing
// whitespace or invisible characters (it would not read back the same). A value that is
// itself wrapped in quotes is written inside the other kind so it reads back unchanged.
Status upsert(const std::filesystem::path& file, std::string_view key, std::string_view value);

// Removes every assignment of key. Returns whether there was one; a missing file is false.
Result<bool> remove(const std::filesystem::path& file, std::string_view key);

}  // namespace jcode::envfile
