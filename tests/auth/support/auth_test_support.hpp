// Helpers shared by the auth unit and integration tests: temp directories, a scripted UserIo,
// and a minimal HTTP GET over a raw socket (the tests do not link cpp-httplib).
#pragma once

#include <jcode/auth/io.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace jcode::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/jcode-auth-XXXXXX";
    char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

// A UserIo that records what it is told and answers confirms from a script.
class FakeIo : public auth::UserIo {
 public:
  void notify(std::string_view m) override {
    std::lock_guard l(mu);
    notes.emplace_back(m);
  }
  void print(std::string_view t) override {
    std::lock_guard l(mu);
    printed.emplace_back(t);
  }
  bool interactive() const override { return is_interactive; }
  Result<bool> confirm(std::string_view q) override {
    std::lock_guard l(mu);
    questions.emplace_back(q);
    if (!is_interactive) return Error{JCODE_E_NONINTERACTIVE, "no terminal"};
    if (answers.empty()) return false;
    bool a = answers.front();
    answers.pop_front();
    return a;
  }
  bool open_browser(std::string_view url, bool) override {
    std::lock_guard l(mu);
    opened.emplace_back(url);
    return browser_opens;
  }
  std::string qr_code(std::string_view) override { return "[qr]"; }
  int paste_fd() const override { return paste; }
  bool cancelled() const override { return cancel; }

  std::string all_notes() {
    std::lock_guard l(mu);
    std::string s;
    for (auto& n : notes) s += n + "\n";
    return s;
  }

  std::mutex mu;
  bool is_interactive = false;
  bool browser_opens = false;
  bool cancel = false;
  int paste = -1;
  std::deque<bool> answers;
  std::vector<std::string> notes, printed, questions, opened;
};

struct RawResponse {
  int status = 0;
  std::string text;
};

// GET http://127.0.0.1:port<target> with a raw socket; status 0 when the connection failed.
inline RawResponse raw_get(uint16_t port, const std::string& target) {
  RawResponse out;
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return out;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(s);
    return out;
  }
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  (void)!::write(s, req.data(), req.size());
  char buf[4096];
  ssize_t n;
  while ((n = ::read(s, buf, sizeof buf)) > 0) out.text.append(buf, static_cast<size_t>(n));
  ::close(s);
  if (out.text.rfind("HTTP/1.1 ", 0) == 0) out.status = std::atoi(out.text.c_str() + 9);
  return out;
}

// A TCP socket bound (and listening) on 127.0.0.1 at a port the OS chose: holds the port busy.
class BusyPort {
 public:
  BusyPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("could not hold a port");
    port_ = ntohs(a.sin_port);
  }
  ~BusyPort() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace jcode::test
