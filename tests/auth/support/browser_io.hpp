// A FakeIo whose "browser" is a callback, and which lets a test wait for a message.
#pragma once

#include <condition_variable>
#include <functional>

#include "auth_test_support.hpp"

namespace jcode::test {

class BrowserIo : public FakeIo {
 public:
  std::function<void(std::string url)> browser;

  bool open_browser(std::string_view url, bool no_browser) override {
    FakeIo::open_browser(url, no_browser);
    if (!browser || no_browser) return false;
    browser(std::string(url));
    return true;
  }
  void notify(std::string_view m) override {
    FakeIo::notify(m);
    cv.notify_all();
  }
  // Waits until a note containing needle was made; returns it ("" on timeout).
  std::string wait_note(const std::string& needle, std::chrono::milliseconds limit) {
    std::unique_lock l(mu);
    std::string found;
    cv.wait_for(l, limit, [&] {
      for (auto& n : notes)
        if (n.find(needle) != std::string::npos) {
          found = n;
          return true;
        }
      return false;
    });
    return found;
  }
  std::condition_variable cv;
};

}  // namespace jcode::test
