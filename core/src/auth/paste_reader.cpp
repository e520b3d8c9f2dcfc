#include "paste_reader.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace jcode::auth::detail {

PasteReader::PasteReader(int fd, std::function<bool(const std::string&)> on_line, std::function<void()> on_eof)
    : fd_(fd), on_line_(std::move(on_line)), on_eof_(std::move(on_eof)) {
  if (fd_ >= 0) thread_ = std::thread([this] { run(); });
}

PasteReader::~PasteReader() { stop(); }

void PasteReader::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void PasteReader::run() {
  std::string buf;
  char chunk[4096];
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, 100);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (n == 0) continue;
    ssize_t got = ::read(fd_, chunk, sizeof chunk);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) {
      if (!buf.empty() && !stop_ && on_line_(buf)) return;
      if (on_eof_) on_eof_();
      return;
    }
    buf.append(chunk, static_cast<size_t>(got));
    size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      if (on_line_(line)) return;
    }
    if (buf.size() > 64 * 1024) buf.clear();  // nobody pastes that much; do not grow forever
  }
}

}  // namespace jcode::auth::detail
