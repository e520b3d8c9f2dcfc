// read, write, edit: text files inside the workspace.
#include "agent_tools/builtin.hpp"
#include "agent_tools/detail.hpp"

#include <jcode/fs/fs.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <system_error>

namespace jcode::agent_tools::detail {

namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

// New files get rw-r--r--; an existing file keeps its mode.
constexpr mode_t kNewFileMode = 0644;

ToolOutput failure(std::string message) { return ToolOutput{std::move(message), true}; }

struct Target {
  stdfs::path root;
  stdfs::path path;
  std::string shown;
  bool exists = false;
  struct stat st {};
};

Result<Target> target(const ToolContext& ctx, std::string_view tool, const std::string& user_path) {
  auto root = workspace_root(ctx);
  if (!root) return root.error();
  auto path = resolve(ctx, tool, user_path);
  if (!path) return path.error();
  Target t;
  t.root = *root;
  t.path = *path;
  t.shown = display(t.root, t.path);
  t.exists = ::lstat(t.path.c_str(), &t.st) == 0;
  return t;
}

// Reads an existing regular text file, or says why not in a model-facing message.
Result<std::string> read_text(const ToolContext& ctx, const Target& t) {
  if (!t.exists) return Error{JCODE_E_NOT_FOUND, t.shown + " does not exist"};
  if (S_ISDIR(t.st.st_mode)) return Error{JCODE_E_IO, t.shown + " is a directory; use glob to list it"};
  if (!S_ISREG(t.st.st_mode)) return Error{JCODE_E_IO, t.shown + " is not a regular file"};
  if (static_cast<std::size_t>(t.st.st_size) > ctx.limits.file_bytes) {
    return Error{JCODE_E_IO, t.shown + " is larger than " + std::to_string(ctx.limits.file_bytes) +
                                 " bytes; use bash (head, tail, sed -n) to look at parts of it"};
  }
  auto bytes = fs::read_file(t.path, ctx.limits.file_bytes);
  if (!bytes) return bytes.error();
  if (looks_binary(*bytes)) return Error{JCODE_E_IO, t.shown + " looks like a binary file; only text files can be used"};
  return bytes;
}

std::size_t count_lines(std::string_view text) {
  if (text.empty()) return 0;
  std::size_t n = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  return text.back() == '\n' ? n : n + 1;
}

}  // namespace

Result<ToolOutput> run_read(const json& input, ToolContext& ctx) {
  if (auto st = require_object(input, "read"); !st) return st.error();
  auto path = required_string(input, "read", "path");
  if (!path) return path.error();
  auto offset = optional_count(input, "read", "offset");
  if (!offset) return offset.error();
  auto limit = optional_count(input, "read", "limit");
  if (!limit) return limit.error();
  auto t = target(ctx, "read", *path);
  if (!t) return t.error();
  auto text = read_text(ctx, *t);
  if (!text) return failure(text.error().message);
  if (text->empty()) return ToolOutput{"(" + t->shown + " is empty)", false};

  const std::size_t total = count_lines(*text);
  const std::size_t first = offset->value_or(1) == 0 ? 1 : static_cast<std::size_t>(offset->value_or(1));
  const std::size_t max_lines =
      limit->has_value() && **limit > 0 ? static_cast<std::size_t>(**limit) : ctx.limits.read_default_lines;
  if (first > total) {
    return failure("offset " + std::to_string(first) + " is past the end of " + t->shown + " (" +
                   std::to_string(total) + " lines)");
  }

  std::string out;
  std::size_t line_no = 0;
  std::size_t last_shown = 0;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (++line_no < first) continue;
    if (line_no >= first + max_lines) break;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string entry;
    char num[32];
    std::snprintf(num, sizeof num, "%6zu\t", line_no);
    entry += num;
    if (line.size() > ctx.limits.line_chars) {
      entry += utf8_prefix(line, ctx.limits.line_chars);
      entry += " [line cut at " + std::to_string(ctx.limits.line_chars) + " bytes]";
    } else {
      entry += line;
    }
    entry += '\n';
    if (out.size() + entry.size() > ctx.limits.read_output_bytes && last_shown != 0) break;
    out += entry;
    last_shown = line_no;
  }
  if (last_shown < total) {
    out += "[showing lines " + std::to_string(first) + "-" + std::to_string(last_shown) + " of " +
           std::to_string(total) + "; use offset=" + std::to_string(last_shown + 1) + " to read more]\n";
  }
  return ToolOutput{std::move(out), false};
}

Result<ToolOutput> run_write(const json& input, ToolContext& ctx) {
  if (auto st = require_object(input, "write"); !st) return st.error();
  auto path = required_string(input, "write", "path");
  if (!path) return path.error();
  auto content = required_string(input, "write", "content");
  if (!content) return content.error();
  auto t = target(ctx, "write", *path);
  if (!t) return t.error();
  mode_t mode = kNewFileMode;
  if (t->exists) {
    if (S_ISDIR(t->st.st_mode)) return failure("cannot write " + t->shown + ": it is a directory");
    if (S_ISLNK(t->st.st_mode)) {
      return failure("cannot write " + t->shown + ": it is a symlink whose target does not exist");
    }
    if (!S_ISREG(t->st.st_mode)) return failure("cannot write " + t->shown + ": it is not a regular file");
    mode = t->st.st_mode & 07777;
  } else {
    std::error_code ec;
    stdfs::create_directories(t->path.parent_path(), ec);
    if (ec) return failure("cannot create the directory of " + t->shown + ": " + ec.message());
  }
  if (auto st = replace_file(t->path, *content, mode); !st) return failure(st.error().message);
  return ToolOutput{std::string(t->exists ? "replaced " : "created ") + t->shown + " (" +
                        std::to_string(content->size()) + " bytes)",
                    false};
}

Result<ToolOutput> run_edit(const json& input, ToolContext& ctx) {
  if (auto st = require_object(input, "edit"); !st) return st.error();
  auto path = required_string(input, "edit", "path");
  if (!path) return path.error();
  auto old_string = required_string(input, "edit", "old_string");
  if (!old_string) return old_string.error();
  auto new_string = required_string(input, "edit", "new_string");
  if (!new_string) return new_string.error();
  auto replace_all = optional_bool(input, "edit", "replace_all", false);
  if (!replace_all) return replace_all.error();
  if (old_string->empty()) {
    return Error{JCODE_E_INVALID_ARG, "edit: \"old_string\" is empty; use write to create or replace a whole file"};
  }
  if (*old_string == *new_string) {
    return Error{JCODE_E_INVALID_ARG, "edit: \"old_string\" and \"new_string\" are the same; nothing to change"};
  }
  auto t = target(ctx, "edit", *path);
  if (!t) return t.error();
  auto text = read_text(ctx, *t);
  if (!text) return failure(text.error().message);

  std::size_t count = 0;
  for (auto pos = text->find(*old_string); pos != std::string::npos;
       pos = text->find(*old_string, pos + old_string->size())) {
    ++count;
  }
  if (count == 0) return failure("old_string was not found in " + t->shown + " (it must match exactly, whitespace included)");
  if (count > 1 && !*replace_all) {
    return failure("old_string occurs " + std::to_string(count) + " times in " + t->shown +
                   "; include more surrounding context to make it unique, or set replace_all");
  }
  std::string updated;
  updated.reserve(text->size() + count * new_string->size());
  std::size_t from = 0;
  for (auto pos = text->find(*old_string); pos != std::string::npos;
       pos = text->find(*old_string, from)) {
    updated.append(*text, from, pos - from);
    updated += *new_string;
    from = pos + old_string->size();
  }
  updated.append(*text, from, std::string::npos);
  if (auto st = replace_file(t->path, updated, t->st.st_mode & 07777); !st) return failure(st.error().message);
  return ToolOutput{"edited " + t->shown + ": " + std::to_string(count) +
                        (count == 1 ? " replacement" : " replacements"),
                    false};
}

}  // namespace jcode::agent_tools::detail
