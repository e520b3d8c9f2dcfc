// Opening the system browser for a login URL (never an embedded view, RFC 8252 §8.12), and
// the QR code printed when it is not opened.
#pragma once

#include <jcode/error.hpp>

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::ui {

struct BrowserOptions {
  bool no_browser = false;  // --no-browser
  // Environment lookup; tests inject one. Default: getenv.
  std::function<std::optional<std::string>(std::string_view)> getenv;
};

struct OpenResult {
  bool opened = false;
  std::string reason;  // why not (suppression rule or launch failure), for a debug log
  pid_t pid = -1;      // the launched opener, when opened (already detached; may be waited)
};

class BrowserOpener {
 public:
  explicit BrowserOpener(BrowserOptions options = {});

  // Why the browser is suppressed ("--no-browser", "NO_BROWSER is set", "SSH session",
  // "no DISPLAY or WAYLAND_DISPLAY"), or nullopt when it may be opened.
  std::optional<std::string> suppressed() const;

  // Launches $BROWSER (a ':'-separated list; each entry a command line whose "%s" is
  // replaced by the URL, else the URL is appended) or xdg-open, detached, with the URL as
  // one argv entry (no shell). Does not wait for it. When not opened the caller prints
  // the URL and render_qr(url).
  OpenResult open(std::string_view url) const;

 private:
  BrowserOptions options_;
  std::optional<std::string> env(std::string_view name) const;
};

struct QrOptions {
  bool ascii = false;   // '#' and ' ' (two columns per module) instead of half blocks
  int quiet_zone = 2;   // modules of margin on every side (the standard asks 4; 2 scans fine)
  // Default: light modules (and the quiet zone) are drawn as blocks, which reads right on
  // the usual dark terminal; invert draws dark modules as blocks, for light backgrounds.
  bool invert = false;
};

// The text as a QR code (error correction level L, byte mode) for a terminal: half-block
// characters (▀ ▄ █ and space), two module rows per text line; deterministic. Error JCODE_E_INVALID_ARG when the text is too long for a QR code.
Result<std::string> render_qr(std::string_view text, const QrOptions& options = {});

}  // namespace jcode::ui
