#include <jcode/ui/browser.hpp>

#include <jcode/process/process.hpp>
#include <jcode/text/text.hpp>

#include <cstdlib>
#include <sstream>

namespace jcode::ui {

namespace {

bool truthy(const std::optional<std::string>& v) {
  if (!v || v->empty()) return false;
  const std::string s = text::ascii_lower(*v);
  return s != "0" && s != "false" && s != "no" && s != "off";
}

bool set(const std::optional<std::string>& v) { return v && !v->empty(); }

// One $BROWSER entry as argv: split on blanks, "%s" → the URL, "%%" → "%"; without "%s"
// the URL is the last argument. No shell is involved, so the URL cannot inject anything.
std::vector<std::string> entry_argv(std::string_view entry, std::string_view url) {
  std::vector<std::string> argv;
  bool substituted = false;
  std::istringstream words{std::string(entry)};
  std::string word;
  while (words >> word) {
    std::string arg;
    for (size_t i = 0; i < word.size(); ++i) {
      if (word[i] == '%' && i + 1 < word.size() && word[i + 1] == 's') {
        arg.append(url);
        substituted = true;
        ++i;
      } else if (word[i] == '%' && i + 1 < word.size() && word[i + 1] == '%') {
        arg.push_back('%');
        ++i;
      } else {
        arg.push_back(word[i]);
      }
    }
    argv.push_back(std::move(arg));
  }
  if (!argv.empty() && !substituted) argv.emplace_back(url);
  return argv;
}

}  // namespace

BrowserOpener::BrowserOpener(BrowserOptions options) : options_(std::move(options)) {}

std::optional<std::string> BrowserOpener::env(std::string_view name) const {
  if (options_.getenv) return options_.getenv(name);
  const char* v = std::getenv(std::string(name).c_str());
  return v ? std::optional<std::string>(v) : std::nullopt;
}

std::optional<std::string> BrowserOpener::suppressed() const {
  if (options_.no_browser) return "--no-browser was given";
  if (truthy(env("NO_BROWSER"))) return "NO_BROWSER is set";
  if (truthy(env("JCODE_NO_BROWSER"))) return "JCODE_NO_BROWSER is set";
  if (set(env("SSH_CONNECTION")) || set(env("SSH_TTY"))) {
    return "this is an SSH session (a browser would open on the remote machine)";
  }
#if defined(__linux__)
  // $BROWSER names an opener that works without a display (a terminal browser, or the
  // helper of a remote editor that forwards to the local machine), so it wins here.
  if (!set(env("DISPLAY")) && !set(env("WAYLAND_DISPLAY")) && !set(env("BROWSER"))) {
    return "no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)";
  }
#endif
  return std::nullopt;
}

OpenResult BrowserOpener::open(std::string_view url) const {
  OpenResult r;
  if (auto why = suppressed()) {
    r.reason = *why;
    return r;
  }
  if (!(url.starts_with("https://") || url.starts_with("http://"))) {
    r.reason = "not an http(s) URL";  // also keeps "-flag" lookalikes away from openers
    return r;
  }
  std::vector<std::vector<std::string>> candidates;
  if (auto browser = env("BROWSER"); set(browser)) {
    std::string_view list = *browser;
    size_t start = 0;
    for (;;) {
      const size_t end = list.find(':', start);
      const std::string_view entry = list.substr(start, end == list.npos ? list.npos : end - start);
      if (auto argv = entry_argv(entry, url); !argv.empty()) candidates.push_back(std::move(argv));
      if (end == list.npos) break;
      start = end + 1;
    }
  } else {
#if defined(__APPLE__)
    candidates.push_back({"open", std::string(url)});
#else
    candidates.push_back({"xdg-open", std::string(url)});
#endif
  }
  process::reap_detached();  // openers launched earlier that have finished
  for (const auto& argv : candidates) {
    Result<pid_t> pid = process::spawn_detached(argv);
    if (pid) {
      r.opened = true;
      r.pid = *pid;
      r.reason.clear();
      return r;
    }
    r.reason = pid.error().message;
  }
  if (r.reason.empty()) r.reason = "no browser command";
  return r;
}

}  // namespace jcode::ui
