#include <jcode/ui/browser.hpp>
#include <jcode/ui/terminal.hpp>

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <streambuf>
#include <thread>

namespace {

namespace ui = jcode::ui;
namespace fs = std::filesystem;

ui::Console console(std::istream& in, std::ostream& out) {
  ui::Console c;
  c.in = &in;
  c.out = &out;
  c.interactive = true;
  return c;
}

ui::BrowserOpener opener(std::map<std::string, std::string> env, bool no_browser = false) {
  ui::BrowserOptions o;
  o.no_browser = no_browser;
  o.getenv = [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return ui::BrowserOpener(o);
}

fs::path make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "jcode-ui-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  return tmpl;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// An ostream writing straight to a file descriptor (the pty slave in the tests below).
class FdBuf : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd) {}

 protected:
  int overflow(int ch) override {
    if (ch == EOF) return 0;
    const char c = static_cast<char>(ch);
    return ::write(fd_, &c, 1) == 1 ? ch : EOF;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    return ::write(fd_, s, static_cast<size_t>(n));
  }

 private:
  int fd_;
};

struct Pty {
  int master = -1;
  int slave = -1;
  Pty() {
    master = ::posix_openpt(O_RDWR | O_NOCTTY);
    REQUIRE(master >= 0);
    REQUIRE(::grantpt(master) == 0);
    REQUIRE(::unlockpt(master) == 0);
    slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
    REQUIRE(slave >= 0);
  }
  ~Pty() {
    ::close(slave);
    ::close(master);
  }
  // Reads from the master until `needle` was seen (bounded by a 10 s poll per read).
  std::string read_until(const std::string& needle) {
    std::string got;
    char buf[256];
    while (got.find(needle) == std::string::npos) {
      pollfd p{master, POLLIN, 0};
      if (::poll(&p, 1, 10000) <= 0) break;
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  // Everything readable from the master right now.
  std::string drain() {
    std::string got;
    char buf[256];
    for (;;) {
      pollfd p{master, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) break;
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  bool echo_on() const {
    termios t{};
    REQUIRE(::tcgetattr(slave, &t) == 0);
    return (t.c_lflag & ECHO) != 0;
  }
};

}  // namespace

TEST_CASE("ui: JCODE_NON_INTERACTIVE forces non-interactive; prompts then refuse") {
  ::setenv("JCODE_NON_INTERACTIVE", "1", 1);
  CHECK_FALSE(ui::interactive());
  CHECK_FALSE(ui::default_console().interactive);
  ::unsetenv("JCODE_NON_INTERACTIVE");
  if (!ui::stdin_is_tty()) CHECK_FALSE(ui::interactive());

  std::istringstream in("answer\n");
  std::ostringstream out;
  ui::Console c = console(in, out);
  c.interactive = false;
  auto r = ui::prompt_text(c, "Azure endpoint");
  REQUIRE_FALSE(r);
  CHECK(r.status() == JCODE_E_NONINTERACTIVE);
  CHECK(r.error().message.find("Azure endpoint") != std::string::npos);
  CHECK(ui::prompt_secret(c, "API key").status() == JCODE_E_NONINTERACTIVE);
  CHECK(ui::prompt_choice(c, "Method", {"a", "b"}).status() == JCODE_E_NONINTERACTIVE);
  CHECK(ui::confirm(c, "Import?").status() == JCODE_E_NONINTERACTIVE);
  CHECK(out.str().empty());  // nothing was asked
}

TEST_CASE("ui: text prompts with defaults, CRLF input and end of input") {
  std::istringstream in("  my value \r\n\n");
  std::ostringstream out;
  auto c = console(in, out);
  CHECK(*ui::prompt_text(c, "Name") == "my value");
  CHECK(*ui::prompt_text(c, "Deployment", "gpt-4o") == "gpt-4o");
  CHECK(out.str() == "Name: Deployment [gpt-4o]: ");
  CHECK(ui::prompt_text(c, "More").status() == JCODE_E_NONINTERACTIVE);  // end of input: nobody to answer, not Ctrl-C
}

TEST_CASE("ui: secret prompt from a non-terminal stream reads the line") {
  std::istringstream in("sk-test-123\n");
  std::ostringstream out;
  auto c = console(in, out);
  CHECK(*ui::prompt_secret(c, "API key") == "sk-test-123");
  CHECK(out.str().find("sk-test-123") == std::string::npos);
}

TEST_CASE("ui: choice by number, by name, default, and re-asking") {
  std::istringstream in("2\nENTRA\n\nbogus\n1\n");
  std::ostringstream out;
  auto c = console(in, out);
  const std::vector<std::string> choices{"entra", "api-key"};
  CHECK(*ui::prompt_choice(c, "Auth method", choices) == "api-key");
  CHECK(*ui::prompt_choice(c, "Auth method", choices) == "entra");
  CHECK(*ui::prompt_choice(c, "Auth method", choices, "entra") == "entra");
  CHECK(*ui::prompt_choice(c, "Auth method", choices) == "entra");  // after one bad answer
  CHECK(out.str().find("Please answer") != std::string::npos);

  std::istringstream bad("x\nx\nx\nx\nx\nx\n");
  auto c2 = console(bad, out);
  CHECK(ui::prompt_choice(c2, "Pick", choices).status() == JCODE_E_INVALID_ARG);
}

TEST_CASE("ui: confirm accepts only y / yes") {
  std::istringstream in("y\nYES\n Yes \n\nn\nyeah\nno\nok\n");
  std::ostringstream out;
  auto c = console(in, out);
  std::vector<bool> got;
  for (int i = 0; i < 8; ++i) got.push_back(*ui::confirm(c, "Import Claude Code credentials?"));
  CHECK(got == std::vector<bool>{true, true, true, false, false, false, false, false});
  CHECK(out.str().rfind("Import Claude Code credentials? [y/N] ", 0) == 0);
  CHECK(ui::confirm(c, "again?").status() == JCODE_E_NONINTERACTIVE);
}

TEST_CASE("ui: secret prompt on a terminal turns echo off and restores it") {
  Pty pty;
  REQUIRE(pty.echo_on());
  FdBuf buf(pty.slave);
  std::ostream out(&buf);
  ui::Console c;
  c.in = nullptr;
  c.in_fd = pty.slave;
  c.out = &out;
  c.interactive = true;

  jcode::Result<std::string> result = std::string();
  std::thread t([&] { result = ui::prompt_secret(c, "Paste token"); });
  // The question is written after echo is off, so typing after seeing it is not echoed.
  const std::string before = pty.read_until("(input hidden): ");
  CHECK(before.find("Paste token") != std::string::npos);
  CHECK_FALSE(pty.echo_on());
  const std::string secret = "hunter2-SECRET";
  REQUIRE(::write(pty.master, (secret + "\n").data(), secret.size() + 1) ==
          static_cast<ssize_t>(secret.size() + 1));
  t.join();
  REQUIRE(result);
  CHECK(*result == secret);
  CHECK(pty.echo_on());
  CHECK(pty.drain().find(secret) == std::string::npos);
}

TEST_CASE("ui: SIGINT during a secret prompt restores echo before the process dies") {
  Pty pty;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    FdBuf buf(pty.slave);
    std::ostream out(&buf);
    ui::Console c;
    c.in_fd = pty.slave;
    c.out = &out;
    c.interactive = true;
    ::signal(SIGINT, SIG_DFL);
    (void)ui::prompt_secret(c, "Paste token");
    ::_exit(0);  // not reached when SIGINT kills us
  }
  pty.read_until("(input hidden): ");
  CHECK_FALSE(pty.echo_on());
  ::kill(child, SIGINT);
  int st = 0;
  REQUIRE(::waitpid(child, &st, 0) == child);
  CHECK(WIFSIGNALED(st));
  CHECK(WTERMSIG(st) == SIGINT);
  CHECK(pty.echo_on());
}

TEST_CASE("ui: browser suppression rules") {
  const std::map<std::string, std::string> desktop{{"DISPLAY", ":0"}};
  CHECK_FALSE(opener(desktop).suppressed());
  CHECK(opener({{"WAYLAND_DISPLAY", "wayland-0"}}).suppressed() == std::nullopt);
  CHECK(opener(desktop, true).suppressed());
  CHECK(opener({{"DISPLAY", ":0"}, {"NO_BROWSER", "1"}}).suppressed());
  CHECK(opener({{"DISPLAY", ":0"}, {"JCODE_NO_BROWSER", "true"}}).suppressed());
  CHECK_FALSE(opener({{"DISPLAY", ":0"}, {"NO_BROWSER", "0"}}).suppressed());
  CHECK_FALSE(opener({{"DISPLAY", ":0"}, {"NO_BROWSER", ""}}).suppressed());
  CHECK(opener({{"DISPLAY", ":0"}, {"SSH_CONNECTION", "10.0.0.1 5 10.0.0.2 22"}}).suppressed());
  CHECK(opener({{"DISPLAY", ":0"}, {"SSH_TTY", "/dev/pts/3"}}).suppressed());
  CHECK(opener({}).suppressed());  // no display
  CHECK(opener({{"DISPLAY", ""}}).suppressed());
  // A $BROWSER works without a display (terminal browser, remote-editor helper)…
  CHECK_FALSE(opener({{"BROWSER", "w3m"}}).suppressed());
  // …but not over SSH or against an explicit opt-out.
  CHECK(opener({{"BROWSER", "w3m"}, {"SSH_TTY", "/dev/pts/1"}}).suppressed());
  CHECK(opener({{"BROWSER", "w3m"}}, true).suppressed());

  const auto r = opener(desktop, true).open("https://example.com/authorize");
  CHECK_FALSE(r.opened);
  CHECK(r.reason.find("--no-browser") != std::string::npos);
}

TEST_CASE("ui: $BROWSER is run without a shell, with %s substitution and fallbacks") {
  const fs::path dir = make_temp_dir();
  const fs::path out = dir / "argv.txt";
  const fs::path script = dir / "fake-browser";
  {
    std::ofstream f(script);
    f << "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" << out.string() << "'\n";
  }
  fs::permissions(script, fs::perms::owner_all);
  const std::string url = "https://auth.example.com/authorize?a=1&b=$(touch%20x);c 'd'";

  auto run = [&](const std::string& browser) {
    fs::remove(out);
    auto r = opener({{"BROWSER", browser}}).open(url);
    REQUIRE(r.opened);
    REQUIRE(r.pid > 0);
    int st = 0;
    REQUIRE(::waitpid(r.pid, &st, 0) == r.pid);  // the launcher is not waited for by open()
    CHECK(WIFEXITED(st));
    return slurp(out);
  };
  CHECK(run(script.string()) == url + "\n");
  CHECK(run("/nonexistent/browser:" + script.string() + " --new-tab %s --x=%%") ==
        "--new-tab\n" + url + "\n--x=%\n");

  auto r = opener({{"BROWSER", "/nonexistent/a:/nonexistent/b"}}).open(url);
  CHECK_FALSE(r.opened);
  CHECK(r.reason.find("/nonexistent/b") != std::string::npos);

  // Only http(s) URLs are handed to an opener.
  CHECK_FALSE(opener({{"BROWSER", script.string()}}).open("--help").opened);
  CHECK_FALSE(opener({{"BROWSER", script.string()}}).open("file:///etc/passwd").opened);
  fs::remove_all(dir);
}

TEST_CASE("ui: QR code has the expected geometry, a quiet zone, and is deterministic") {
  const std::string url = "https://github.com/login/device?user_code=ABCD-EFGH";
  auto qr = ui::render_qr(url);
  REQUIRE(qr);
  CHECK(*qr == *ui::render_qr(url));
  CHECK(*qr != *ui::render_qr(url + "x"));

  // Split into lines and count code points (every glyph used is one code point).
  auto lines_of = [](const std::string& s) {
    std::vector<std::string> lines;
    std::istringstream in(s);
    std::string l;
    while (std::getline(in, l)) lines.push_back(l);
    return lines;
  };
  auto codepoints = [](const std::string& s) {
    size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
  };
  const auto lines = lines_of(*qr);
  const std::string full = "\u2588";
  // A QR code is 21 + 4k modules wide; with a quiet zone of 2 on both sides.
  const size_t size = codepoints(lines[0]);
  CHECK((size - 4 - 21) % 4 == 0);
  CHECK(lines.size() == (size + 1) / 2);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    CHECK(codepoints(lines[i]) == size);
    CHECK(lines[i].rfind(full, 0) == 0);  // left quiet zone is light = drawn
  }
  // The size is odd, so the last text line holds only the last quiet row, as upper halves.
  REQUIRE(size % 2 == 1);
  std::string upper_halves;
  for (size_t i = 0; i < size; ++i) upper_halves += "\u2580";
  CHECK(lines.back() == upper_halves);
  // Top quiet zone: the first text line (module rows 0 and 1) is all light.
  std::string all_full;
  for (size_t i = 0; i < size; ++i) all_full += full;
  CHECK(lines[0] == all_full);
  // The top-left finder pattern's dark border starts at module (2,2): row 2 is the top
  // half of text line 1, so its cells 2..8 have a dark top half: "▄" or " ".
  CHECK(lines[1].substr(0, 2 * full.size()) == full + full);

  // ASCII: one line per module row, two columns per module.
  ui::QrOptions ascii;
  ascii.ascii = true;
  ascii.quiet_zone = 4;
  auto a = ui::render_qr(url, ascii);
  REQUIRE(a);
  const auto alines = lines_of(*a);
  CHECK(alines.size() == size + 4);
  CHECK(alines[0] == std::string(2 * (size + 4), '#'));
  CHECK(alines[4].substr(8, 14) == std::string(14, ' '));  // finder top border, dark

  ui::QrOptions inv;
  inv.invert = true;
  auto i = ui::render_qr(url, inv);
  REQUIRE(i);
  CHECK(lines_of(*i)[0] == std::string(size, ' '));

  CHECK(ui::render_qr(std::string(8000, 'x')).status() == JCODE_E_INVALID_ARG);
  CHECK(ui::render_qr("").status() == JCODE_E_INVALID_ARG);
}
