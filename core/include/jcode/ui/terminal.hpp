// Talking to the user: TTY detection and prompts. Every prompt reads from a Console so
// tests inject input; the real console reads fd 0 and writes to stderr (stdout stays free
// for machine-readable output).
#pragma once

#include <jcode/error.hpp>

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::ui {

bool stdin_is_tty();
bool stderr_is_tty();
// Both stdin and stderr are terminals and JCODE_NON_INTERACTIVE is unset or empty.
bool interactive();

// Async-signal-safe: a SIGINT handler installed by a command (one that stops at a safe point
// instead of dying) calls this, so a prompt waiting for input ends with JCODE_E_CANCELLED
// instead of reading on after the interrupted read.
void request_interrupt() noexcept;

struct Console {
  std::istream* in = nullptr;  // nullptr: read in_fd directly (no stdio buffering)
  int in_fd = 0;               // used when in == nullptr; echo is turned off on it for secrets
  std::ostream* out = nullptr; // questions go here; nullptr = std::cerr
  bool interactive = false;    // false: every prompt fails with JCODE_E_NONINTERACTIVE
};

// stdin/stderr of the process, interactive() as above.
Console default_console();

// Each prompt writes the question (with the default in brackets) and reads one line.
// End of input gives JCODE_E_CANCELLED; a non-interactive console JCODE_E_NONINTERACTIVE
// (the message names the question and says to pass it as a flag or on stdin).
Result<std::string> prompt_text(const Console& c, std::string_view question,
                                std::string_view default_value = {});
// No echo (termios on in_fd when it is a terminal), restored on every path, including
// SIGINT/SIGTERM/SIGHUP/SIGQUIT during the read (the signal is then re-delivered).
Result<std::string> prompt_secret(const Console& c, std::string_view question);
// The answer must be one of choices (or its 1-based number); asks again on anything else,
// at most 5 times. An empty answer picks default_value when given.
Result<std::string> prompt_choice(const Console& c, std::string_view question,
                                  const std::vector<std::string>& choices,
                                  std::string_view default_value = {});
// "[y/N]": only y / yes (any case) accepts; anything else, including empty, declines.
Result<bool> confirm(const Console& c, std::string_view question);

}  // namespace jcode::ui
