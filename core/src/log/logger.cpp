#include <jcode/log/log.hpp>
#include <jcode/text/text.hpp>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jcode::log {
namespace {

void write_stderr(std::string_view line) {
  std::string buf(line);
  buf.push_back('\n');
  // One write per line so concurrent processes sharing stderr do not interleave mid-line.
  const char* p = buf.data();
  std::size_t left = buf.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

// Escape sequences from a server's error body, a file or an argument must not drive the
// user's terminal: C0 controls other than newline and tab, DEL, and the C1 controls in their
// UTF-8 form (U+0080..U+009F, e.g. CSI) are shown as \xNN.
std::string neutralise_controls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      out += "\\x";
      out += text::hex_encode(s.substr(i, 1));
    } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      ++i;
      out += "\\u00";
      out += text::hex_encode(s.substr(i, 1));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string for_terminal(std::string_view message) { return neutralise_controls(redact(message)); }

std::string_view to_string(Level level) {
  switch (level) {
    case Level::error: return "error";
    case Level::warn: return "warning";
    case Level::info: return "info";
    case Level::debug: return "debug";
  }
  return "info";
}

Logger& Logger::global() {
  static Logger* l = new Logger();  // never destroyed: may log during static destruction
  return *l;
}

void Logger::set_verbosity(int v) {
  set_max_level(v <= 0 ? Level::warn : v == 1 ? Level::info : Level::debug);
}

void Logger::set_max_level(Level level) {
  std::lock_guard lock(mu_);
  max_ = level;
}

Level Logger::max_level() const {
  std::lock_guard lock(mu_);
  return max_;
}

bool Logger::enabled(Level level) const { return static_cast<int>(level) <= static_cast<int>(max_level()); }

void Logger::set_sink(Sink sink) {
  std::lock_guard lock(mu_);
  sink_ = std::move(sink);
}

void Logger::log(Level level, std::string_view message) {
  if (!enabled(level)) return;
  const std::string clean = neutralise_controls(redact(message));
  const std::string prefix = "jcode: " + std::string(to_string(level)) + ": ";
  std::lock_guard lock(mu_);
  std::string_view rest = clean;
  for (;;) {
    auto nl = rest.find('\n');
    const std::string line = prefix + std::string(rest.substr(0, nl));
    if (sink_) sink_(level, line); else write_stderr(line);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
    if (rest.empty()) break;
  }
}

void error(std::string_view m) { Logger::global().log(Level::error, m); }
void warn(std::string_view m) { Logger::global().log(Level::warn, m); }
void info(std::string_view m) { Logger::global().log(Level::info, m); }
void debug(std::string_view m) { Logger::global().log(Level::debug, m); }

Status disable_core_dumps() {
  struct rlimit none{0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0) {
    return Error{JCODE_E_INTERNAL, std::string("cannot disable core dumps (setrlimit): ") + std::strerror(errno)};
  }
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return Error{JCODE_E_INTERNAL, std::string("cannot mark the process non-dumpable (prctl): ") + std::strerror(errno)};
  }
  return {};
}

}  // namespace jcode::log
