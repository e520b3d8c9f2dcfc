// glob and grep: bounded walks of the workspace.
#include "agent_tools/builtin.hpp"
#include "agent_tools/detail.hpp"

#include <jcode/fs/fs.hpp>

#include <fnmatch.h>
#include <re2/re2.h>
#include <sys/stat.h>

#include <algorithm>
#include <span>
#include <system_error>

namespace jcode::agent_tools::detail {

namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t kGrepShownChars = 500;

std::vector<std::string> split_segments(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto slash = s.find('/', start);
    const auto seg = s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!seg.empty() && seg != ".") {
      // "**/**" is the same as "**"; collapsing keeps the matcher's backtracking small.
      if (!(seg == "**" && !out.empty() && out.back() == "**")) out.emplace_back(seg);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool match_segments(std::span<const std::string> pat, std::span<const std::string> path) {
  if (pat.empty()) return path.empty();
  if (pat.front() == "**") {
    for (std::size_t skip = 0; skip <= path.size(); ++skip) {
      if (match_segments(pat.subspan(1), path.subspan(skip))) return true;
    }
    return false;
  }
  if (path.empty()) return false;
  if (::fnmatch(pat.front().c_str(), path.front().c_str(), 0) != 0) return false;
  return match_segments(pat.subspan(1), path.subspan(1));
}

std::vector<std::string> path_segments(const stdfs::path& rel) {
  std::vector<std::string> out;
  for (const auto& part : rel) {
    if (!part.empty() && part != ".") out.push_back(part.string());
  }
  return out;
}

struct Walk {
  std::vector<stdfs::path> files;  // sorted
  bool truncated = false;          // the entry bound was hit
};

// The non-directory entries under root (symlinks to directories are not followed), .git
// skipped, at most max_entries visited.
Result<Walk> walk(const stdfs::path& root, const ToolContext& ctx) {
  Walk w;
  std::error_code ec;
  stdfs::recursive_directory_iterator it(root, stdfs::directory_options::skip_permission_denied, ec);
  if (ec) return Error{JCODE_E_IO, "cannot list " + root.string() + ": " + ec.message()};
  const auto guarded_roots = protected_roots(ctx);
  std::size_t visited = 0;
  for (; it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (++visited > ctx.limits.walk_entries) {
      w.truncated = true;
      break;
    }
    if ((visited & 1023) == 0 && ctx.cancelled && ctx.cancelled()) {
      return Error{JCODE_E_CANCELLED, "cancelled"};
    }
    const auto type = it->symlink_status(ec).type();
    if (ec) {
      ec.clear();
      continue;
    }
    const bool guarded = protected_by(guarded_roots, it->path()).has_value();
    if (type == stdfs::file_type::directory) {
      if (guarded || it->path().filename() == ".git") it.disable_recursion_pending();
      continue;
    }
    if (!guarded) w.files.push_back(it->path());
  }
  std::sort(w.files.begin(), w.files.end());
  return w;
}

std::string walk_note(const ToolContext& ctx) {
  return "[stopped after visiting " + std::to_string(ctx.limits.walk_entries) +
         " entries; narrow the search with path]\n";
}

}  // namespace

Result<ToolOutput> run_glob(const json& input, ToolContext& ctx) {
  if (auto st = require_object(input, "glob"); !st) return st.error();
  auto pattern = required_string(input, "glob", "pattern");
  if (!pattern) return pattern.error();
  auto path = optional_string(input, "glob", "path");
  if (!path) return path.error();
  if (pattern->empty()) return Error{JCODE_E_INVALID_ARG, "glob: \"pattern\" is empty"};
  if (pattern->front() == '/') {
    return Error{JCODE_E_INVALID_ARG, "glob: \"pattern\" must be relative; put the directory in \"path\""};
  }
  auto root = workspace_root(ctx);
  if (!root) return root.error();
  auto dir = resolve(ctx, "glob", path->value_or("."));
  if (!dir) return dir.error();
  std::error_code ec;
  if (!stdfs::is_directory(*dir, ec)) {
    return ToolOutput{display(*root, *dir) + " is not a directory", true};
  }
  const auto pat = split_segments(*pattern);
  auto files = walk(*dir, ctx);
  if (!files) return files.error();

  std::string out;
  std::size_t matched = 0;
  for (const auto& f : files->files) {
    if (!match_segments(pat, path_segments(f.lexically_relative(*dir)))) continue;
    if (++matched <= ctx.limits.glob_results) out += display(*root, f) + '\n';
  }
  if (matched > ctx.limits.glob_results) {
    out += "[" + std::to_string(matched - ctx.limits.glob_results) + " more matches not shown]\n";
  }
  if (files->truncated) out += walk_note(ctx);
  if (matched == 0) out = "no files match " + *pattern + "\n" + out;
  return ToolOutput{std::move(out), false};
}

Result<ToolOutput> run_grep(const json& input, ToolContext& ctx) {
  if (auto st = require_object(input, "grep"); !st) return st.error();
  auto pattern = required_string(input, "grep", "pattern");
  if (!pattern) return pattern.error();
  auto path = optional_string(input, "grep", "path");
  if (!path) return path.error();
  auto glob = optional_string(input, "grep", "glob");
  if (!glob) return glob.error();
  if (pattern->empty()) return Error{JCODE_E_INVALID_ARG, "grep: \"pattern\" is empty"};

  // RE2 matches in time linear in the input: a pattern such as ^(a+)+$ cannot hang the run
  // (a backtracking engine takes exponential time on it). Its memory is capped as well.
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(16 << 20);
  const RE2 re(*pattern, options);
  if (!re.ok())
    return Error{JCODE_E_INVALID_ARG, "grep: invalid regular expression (RE2 syntax: no backreferences or "
                                      "lookaround): " + re.error()};
  auto root = workspace_root(ctx);
  if (!root) return root.error();
  auto target = resolve(ctx, "grep", path->value_or("."));
  if (!target) return target.error();

  Walk files;
  stdfs::path base = *target;
  std::error_code ec;
  if (stdfs::is_directory(*target, ec)) {
    auto w = walk(*target, ctx);
    if (!w) return w.error();
    files = std::move(*w);
  } else if (stdfs::is_regular_file(*target, ec)) {
    files.files.push_back(*target);
    base = target->parent_path();
  } else {
    return ToolOutput{display(*root, *target) + " does not exist or is not a file or directory", true};
  }

  std::vector<std::string> glob_pat;
  const bool glob_by_name = glob->has_value() && (*glob)->find('/') == std::string::npos;
  if (glob->has_value()) glob_pat = split_segments(**glob);

  const auto guarded_roots = protected_roots(ctx);
  std::string out;
  std::size_t matches = 0;
  bool stopped = false;
  for (const auto& f : files.files) {
    if (stopped) break;
    if (glob->has_value()) {
      const bool ok = glob_by_name ? ::fnmatch((*glob)->c_str(), f.filename().c_str(), 0) == 0
                                   : match_segments(glob_pat, path_segments(f.lexically_relative(base)));
      if (!ok) continue;
    }
    struct stat st;
    if (::stat(f.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (static_cast<std::size_t>(st.st_size) > ctx.limits.file_bytes) continue;
    // A symlink may lead out of the workspace or into a protected path.
    auto real = stdfs::canonical(f, ec);
    if (ec || (ctx.confine_to_workspace && !is_within(*root, real)) || protected_by(guarded_roots, real)) continue;
    auto text = fs::read_file(f, ctx.limits.file_bytes);
    if (!text || looks_binary(*text)) continue;
    const std::string shown = display(*root, f);
    std::string_view rest = *text;
    std::size_t line_no = 0;
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      const auto scanned = utf8_prefix(line, ctx.limits.line_chars);
      if (!RE2::PartialMatch(re2::StringPiece(scanned.data(), scanned.size()), re)) continue;
      std::string entry = shown + ":" + std::to_string(line_no) + ":";
      entry += utf8_prefix(line, kGrepShownChars);
      if (line.size() > kGrepShownChars) entry += " [...]";
      entry += '\n';
      if (matches >= ctx.limits.grep_matches || out.size() + entry.size() > ctx.limits.grep_output_bytes) {
        out += "[stopped after " + std::to_string(matches) + " matches; narrow the search with path or glob]\n";
        stopped = true;
        break;
      }
      out += entry;
      ++matches;
    }
  }
  if (files.truncated) out += walk_note(ctx);
  if (matches == 0) out = "no matches for " + *pattern + "\n" + out;
  return ToolOutput{std::move(out), false};
}

}  // namespace jcode::agent_tools::detail
