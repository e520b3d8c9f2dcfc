#include <jcode/ui/terminal.hpp>
#include <jcode/text/text.hpp>

#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <mutex>

namespace jcode::ui {

namespace {

constexpr size_t kMaxLine = 64 * 1024;
constexpr int kMaxChoiceAttempts = 5;

// --- echo-off state, reachable from the signal handler ---------------------------------
// Only one secret prompt runs at a time (g_secret_mu); the handler reads these while the
// prompt runs.
std::mutex g_secret_mu;
volatile sig_atomic_t g_tty_fd = -1;
volatile sig_atomic_t g_caught = 0;
volatile sig_atomic_t g_interrupt = 0;  // request_interrupt()
termios g_saved_termios;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
struct sigaction g_old_actions[std::size(kSignals)];

void restore_on_signal(int sig) {
  // Async-signal-safe only: restore the terminal and the previous disposition, then send
  // the signal again; it is delivered to that disposition once this handler returns.
  if (g_tty_fd >= 0) tcsetattr(g_tty_fd, TCSANOW, &g_saved_termios);
  for (size_t i = 0; i < std::size(kSignals); ++i) {
    if (kSignals[i] == sig) sigaction(sig, &g_old_actions[i], nullptr);
  }
  g_caught = sig;
  raise(sig);
}

bool truthy_env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

std::ostream& out_of(const Console& c) { return c.out ? *c.out : std::cerr; }

Error noninteractive(std::string_view question) {
  return Error{JCODE_E_NONINTERACTIVE,
               "cannot ask \"" + std::string(question) +
                   "\": no terminal (stdin or stderr is not a TTY, or JCODE_NON_INTERACTIVE is "
                   "set); give the value with a command-line flag or on stdin"};
}

// One line without its terminator. EOF before any byte → JCODE_E_NONINTERACTIVE: nobody is
// left to answer (exit 6), which is not Ctrl-C (JCODE_E_CANCELLED, exit 130).
Result<std::string> read_line(const Console& c) {
  std::string line;
  if (c.in) {
    if (!std::getline(*c.in, line)) {
      return Error{JCODE_E_NONINTERACTIVE, "the input ended (end of file) before an answer was given; nothing was changed"};
    }
  } else {
    bool any = false;
    for (;;) {
      // A Ctrl-C that lands just before the read would not interrupt it: wait in short
      // slices and look at the flags between them.
      if (g_caught || g_interrupt) return Error{JCODE_E_CANCELLED, "interrupted"};
      pollfd pfd{c.in_fd, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, 200);
      if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
      char ch = 0;
      const ssize_t n = ::read(c.in_fd, &ch, 1);
      if (n < 0 && errno == EINTR) {
        if (g_caught || g_interrupt) return Error{JCODE_E_CANCELLED, "interrupted"};
        continue;
      }
      if (n < 0) return Error{JCODE_E_IO, "could not read the answer from the terminal"};
      if (n == 0) {
        if (!any) return Error{JCODE_E_NONINTERACTIVE, "the input ended (end of file) before an answer was given; nothing was changed"};
        break;
      }
      any = true;
      if (ch == '\n') break;
      if (line.size() >= kMaxLine) return Error{JCODE_E_INVALID_ARG, "answer too long"};
      line.push_back(ch);
    }
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

bool stdin_is_tty() { return ::isatty(STDIN_FILENO) == 1; }
bool stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }
void request_interrupt() noexcept { g_interrupt = 1; }

bool interactive() {
  return stdin_is_tty() && stderr_is_tty() && !truthy_env("JCODE_NON_INTERACTIVE");
}

Console default_console() {
  Console c;
  c.in = nullptr;
  c.in_fd = STDIN_FILENO;
  c.out = &std::cerr;
  c.interactive = interactive();
  return c;
}

Result<std::string> prompt_text(const Console& c, std::string_view question,
                                std::string_view default_value) {
  if (!c.interactive) return noninteractive(question);
  std::ostream& out = out_of(c);
  out << question;
  if (!default_value.empty()) out << " [" << default_value << "]";
  out << ": " << std::flush;
  Result<std::string> line = read_line(c);
  if (!line) return line;
  std::string answer = text::trim(*line);
  if (answer.empty()) return std::string(default_value);
  return answer;
}

Result<std::string> prompt_secret(const Console& c, std::string_view question) {
  if (!c.interactive) return noninteractive(question);
  std::ostream& out = out_of(c);
  const bool tty = c.in == nullptr && ::isatty(c.in_fd) == 1;
  if (!tty) {
    out << question << ": " << std::flush;
    Result<std::string> line = read_line(c);
    if (!line) return line;
    text::trim_in_place(*line);
    return line;
  }

  std::lock_guard lock(g_secret_mu);
  termios saved{};
  if (tcgetattr(c.in_fd, &saved) != 0) {
    return Error{JCODE_E_IO, "could not read the terminal settings to hide the input"};
  }
  g_saved_termios = saved;
  g_caught = 0;
  g_tty_fd = c.in_fd;
  struct sigaction sa {};
  sa.sa_handler = restore_on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the read returns EINTR and the prompt ends
  for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &sa, &g_old_actions[i]);

  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;  // the Enter still moves to the next line
  Result<std::string> line = Error{JCODE_E_IO, "could not turn off echo on the terminal"};
  if (tcsetattr(c.in_fd, TCSANOW, &quiet) == 0) {
    out << question << " (input hidden): " << std::flush;
    line = read_line(c);
  }

  tcsetattr(c.in_fd, TCSANOW, &saved);
  g_tty_fd = -1;
  if (!g_caught) {
    for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &g_old_actions[i], nullptr);
  }
  if (!line) return line;
  text::trim_in_place(*line);
  return line;
}

Result<std::string> prompt_choice(const Console& c, std::string_view question,
                                  const std::vector<std::string>& choices,
                                  std::string_view default_value) {
  if (!c.interactive) return noninteractive(question);
  if (choices.empty()) return Error{JCODE_E_INVALID_ARG, "no choices for \"" + std::string(question) + "\""};
  std::ostream& out = out_of(c);
  for (int attempt = 0; attempt < kMaxChoiceAttempts; ++attempt) {
    out << question << "\n";
    for (size_t i = 0; i < choices.size(); ++i) out << "  " << (i + 1) << ") " << choices[i] << "\n";
    out << "Choose";
    if (!default_value.empty()) out << " [" << default_value << "]";
    out << ": " << std::flush;
    Result<std::string> line = read_line(c);
    if (!line) return line;
    const std::string answer = text::trim(*line);
    if (answer.empty() && !default_value.empty()) return std::string(default_value);
    for (size_t i = 0; i < choices.size(); ++i) {
      if (answer == std::to_string(i + 1) || text::iequals(answer, choices[i])) return choices[i];
    }
    out << "Please answer with one of the listed choices or its number.\n";
  }
  return Error{JCODE_E_INVALID_ARG, "no valid answer to \"" + std::string(question) + "\" after " +
                                        std::to_string(kMaxChoiceAttempts) + " tries"};
}

Result<bool> confirm(const Console& c, std::string_view question) {
  if (!c.interactive) return noninteractive(question);
  std::ostream& out = out_of(c);
  out << question << " [y/N] " << std::flush;
  Result<std::string> line = read_line(c);
  if (!line) return line.error();
  const std::string answer = text::ascii_lower(text::trim(*line));
  return answer == "y" || answer == "yes";
}

}  // namespace jcode::ui
