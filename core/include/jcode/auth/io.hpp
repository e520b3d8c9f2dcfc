// What the auth engine needs from its surroundings, as small injectable seams: the clock,
// the HTTP exchange used for token endpoints, and the user's terminal. The CLI passes the
// real ones (jcode::http, jcode::ui); tests pass fakes.
#pragma once

#include <jcode/error.hpp>
#include <jcode/http/client.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace jcode::auth {

// Unix time in milliseconds.
using NowMs = std::function<int64_t()>;
int64_t system_now_ms();

// One buffered HTTP exchange (token, device and revocation endpoints). Any HTTP status is a
// success here; only transport failures are errors.
using HttpFn = std::function<Result<http::Response>(const http::Request&)>;
// jcode::http::Client, one per calling thread.
HttpFn default_http();

// The user's side of a login. Messages go to stderr, machine output to stdout.
class UserIo {
 public:
  virtual ~UserIo() = default;
  // A line for the user (stderr). Callers never pass secrets.
  virtual void notify(std::string_view message) = 0;
  // Output meant for scripts or copying (stdout): URLs, JSON.
  virtual void print(std::string_view text) = 0;
  // Both stdin and stderr are terminals and JCODE_NON_INTERACTIVE is unset.
  virtual bool interactive() const = 0;
  // A [y/N] question on the terminal; only y/yes is true. JCODE_E_NONINTERACTIVE without one.
  virtual Result<bool> confirm(std::string_view question) = 0;
  // Opens a browser unless suppressed (--no-browser, NO_BROWSER, SSH, no display).
  // Returns whether one was started.
  virtual bool open_browser(std::string_view url, bool no_browser) = 0;
  // A terminal rendering of a QR code for text; "" when none can be drawn.
  virtual std::string qr_code(std::string_view text) = 0;
  // File descriptor pasted input is read from while a login waits (-1: no paste).
  virtual int paste_fd() const = 0;
  // True once the user asked to stop (Ctrl-C).
  virtual bool cancelled() const = 0;
};

// A process-wide "the user pressed Ctrl-C" flag: the CLI's SIGINT handler calls
// request_cancel() (async-signal-safe); TerminalIo::cancelled() reads it.
void request_cancel() noexcept;
bool cancel_requested() noexcept;

// UserIo on the real terminal (jcode::ui): stdin for pastes, stderr for messages.
class TerminalIo : public UserIo {
 public:
  void notify(std::string_view message) override;
  void print(std::string_view text) override;
  bool interactive() const override;
  Result<bool> confirm(std::string_view question) override;
  bool open_browser(std::string_view url, bool no_browser) override;
  std::string qr_code(std::string_view text) override;
  int paste_fd() const override;
  bool cancelled() const override;
};

}  // namespace jcode::auth
