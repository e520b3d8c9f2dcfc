#include <jcode/auth/io.hpp>
#include <jcode/ui/browser.hpp>
#include <jcode/ui/terminal.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>

namespace jcode::auth {

namespace {
std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}
}  // namespace

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

HttpFn default_http() {
  return [](const http::Request& req) -> Result<http::Response> {
    thread_local http::Client client;
    return client.fetch(req);
  };
}

void request_cancel() noexcept { g_cancel.store(true); }
bool cancel_requested() noexcept { return g_cancel.load(); }

void TerminalIo::notify(std::string_view message) {
  std::string line(message);
  if (line.empty() || line.back() != '\n') line.push_back('\n');
  write_all(STDERR_FILENO, line);
}

void TerminalIo::print(std::string_view text) {
  std::string line(text);
  if (line.empty() || line.back() != '\n') line.push_back('\n');
  std::fflush(stdout);
  std::cout.flush();
  write_all(STDOUT_FILENO, line);
}

bool TerminalIo::interactive() const { return ui::interactive(); }

Result<bool> TerminalIo::confirm(std::string_view question) {
  return ui::confirm(ui::default_console(), question);
}

bool TerminalIo::open_browser(std::string_view url, bool no_browser) {
  ui::BrowserOptions opts;
  opts.no_browser = no_browser;
  ui::BrowserOpener opener(opts);
  return opener.open(url).opened;
}

std::string TerminalIo::qr_code(std::string_view text) {
  auto qr = ui::render_qr(text);
  return qr ? *qr : std::string{};
}

int TerminalIo::paste_fd() const { return ui::stdin_is_tty() ? STDIN_FILENO : -1; }

bool TerminalIo::cancelled() const { return cancel_requested(); }

}  // namespace jcode::auth
