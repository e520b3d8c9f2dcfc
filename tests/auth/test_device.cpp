// DeviceFlow against the real jcode-emulator's GitHub device grant. Waits go through a fake
// clock that also advances the emulator's clock, so no test sleeps.
#include <jcode/auth/device_flow.hpp>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "support/auth_test_support.hpp"
#include "support/emulator_process.hpp"

using namespace jcode;
using namespace jcode::auth;

namespace {

constexpr const char* kPoll = "POST /github.com/login/oauth/access_token";

struct Harness {
  test::EmulatorProcess emu;
  test::TempDir tmp;
  test::FakeIo io;
  int64_t now_ms = system_now_ms();
  PendingStore pending{tmp / "pending-login", [this] { return now_ms; }};
  std::vector<int64_t> waits_s;
  // Called before each poll with the poll's number (1-based); may approve/deny, or shorten
  // the wait the emulator sees (to provoke slow_down).
  std::function<int64_t(int poll, int64_t wait_s)> on_wait = [](int, int64_t w) { return w; };

  DeviceFlow flow() {
    DeviceFlowContext ctx;
    ctx.provider = "copilot";
    ctx.client.client_id = "Iv1.b507a08c87ecfe98";
    ctx.client.scopes = "read:user";
    ctx.device_url = emu.map("https://github.com/login/device/code");
    ctx.token_url = emu.map("https://github.com/login/oauth/access_token");
    ctx.io = &io;
    ctx.pending = &pending;
    ctx.now = [this] { return now_ms; };
    ctx.sleep = [this](std::chrono::milliseconds d) {
      int64_t s = d.count() / 1000;
      waits_s.push_back(s);
      int64_t seen = on_wait(static_cast<int>(waits_s.size()), s);
      now_ms += d.count();
      emu.control("/_emulator/advance-time", {{"seconds", seen}});
      return !io.cancel;
    };
    return DeviceFlow(std::move(ctx));
  }
  void decide(const char* what) {
    auto devices = emu.get("/_emulator/device");
    REQUIRE(devices.size() >= 1);
    emu.control(std::string("/_emulator/device/") + what, {{"user_code", devices.back()["user_code"]}});
  }
};

}  // namespace

TEST_CASE("device: code and URL shown, pending polls every 5 s, approval gives tokens") {
  Harness h;
  h.on_wait = [&](int poll, int64_t w) {
    if (poll == 3) h.decide("approve");
    return w;
  };
  auto tokens = h.flow().interactive(true);
  REQUIRE_MESSAGE(tokens.ok(), tokens.error().message);
  CHECK(nlohmann::json::parse(*tokens)["access_token"].get<std::string>().size() > 10);
  CHECK(h.waits_s == std::vector<int64_t>{5, 5, 5});
  CHECK(h.emu.count(kPoll) == 3);
  auto notes = h.io.all_notes();
  CHECK(notes.find("https://github.com/login/device") != std::string::npos);
  CHECK(notes.find("enter the code: ") != std::string::npos);
  CHECK(notes.find("[qr]") != std::string::npos);
  CHECK(notes.find("Waiting for you to enter the code") != std::string::npos);
  CHECK(h.io.opened.at(0) == "https://github.com/login/device");
}

TEST_CASE("device: slow_down adds 5 s to this and every later poll") {
  Harness h;
  h.on_wait = [&](int poll, int64_t w) {
    if (poll == 4) h.decide("approve");
    return poll == 2 ? 1 : w;  // the second poll arrives too early for the server
  };
  auto tokens = h.flow().interactive(true);
  REQUIRE_MESSAGE(tokens.ok(), tokens.error().message);
  CHECK(h.waits_s == std::vector<int64_t>{5, 5, 10, 10});
}

TEST_CASE("device: access_denied and expired_token end the login with a clear message") {
  SUBCASE("denied") {
    Harness h;
    h.on_wait = [&](int poll, int64_t w) {
      if (poll == 2) h.decide("deny");
      return w;
    };
    auto r = h.flow().interactive(true);
    CHECK(r.status() == JCODE_E_DENIED);
    CHECK(r.error().message.find("denied") != std::string::npos);
    CHECK(r.error().message.find("jcode login --provider copilot") != std::string::npos);
    CHECK(h.emu.count(kPoll) == 2);
  }
  SUBCASE("expired: no poll after expires_in") {
    Harness h;
    h.emu.control("/_emulator/config", {{"device_expires_in_s", 12}});
    auto r = h.flow().interactive(true);
    CHECK(r.status() == JCODE_E_AUTH_EXPIRED);
    CHECK(r.error().message.find("expired before it was approved") != std::string::npos);
    CHECK(h.emu.count(kPoll) == 2);  // at 5 s and 10 s; the one due at 15 s is never sent
  }
}

TEST_CASE("device: --print-auth-url saves the device code for expires_in; --complete resumes and consumes it") {
  Harness h;
  auto prompt = h.flow().print_auth_url(true);
  REQUIRE(prompt.ok());
  auto j = nlohmann::json::parse(h.io.printed.at(0));
  CHECK(j["status"] == "pending");
  CHECK(j["input_kind"] == "complete");
  CHECK(j["user_code"].get<std::string>().size() == 9);
  CHECK(j["auth_url"] == "https://github.com/login/device");
  CHECK(j["expires_at_ms"] == h.now_ms + 900 * 1000);
  CHECK(j["resume_command"] == "jcode login --provider copilot --complete");
  struct stat st {};
  REQUIRE(::stat((h.tmp / "pending-login/copilot.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(h.emu.count(kPoll) == 0);

  h.io.cancel = true;  // Ctrl-C during --complete keeps the state for a later run
  auto cancelled = h.flow().complete();
  CHECK(cancelled.status() == JCODE_E_CANCELLED);
  CHECK(std::filesystem::exists(h.tmp / "pending-login/copilot.json"));
  h.io.cancel = false;

  h.decide("approve");
  auto tokens = h.flow().complete();
  REQUIRE_MESSAGE(tokens.ok(), tokens.error().message);
  CHECK_FALSE(std::filesystem::exists(h.tmp / "pending-login/copilot.json"));
  auto again = h.flow().complete();
  CHECK(again.status() == JCODE_E_NOT_FOUND);
  CHECK(again.error().message.find("--print-auth-url") != std::string::npos);
}
