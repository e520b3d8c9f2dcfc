// Internal: reads lines the user pastes on a descriptor (stdin) in a background thread while
// a login waits for its callback. poll() with a short timeout lets stop() end it promptly.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace jcode::auth::detail {

class PasteReader {
 public:
  // on_line returns true when the line settled the login (reading stops). on_eof runs when
  // the input closes.
  PasteReader(int fd, std::function<bool(const std::string&)> on_line, std::function<void()> on_eof);
  ~PasteReader();
  PasteReader(const PasteReader&) = delete;
  PasteReader& operator=(const PasteReader&) = delete;
  void stop();

 private:
  void run();
  int fd_;
  std::function<bool(const std::string&)> on_line_;
  std::function<void()> on_eof_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace jcode::auth::detail
