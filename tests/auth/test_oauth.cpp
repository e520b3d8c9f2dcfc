// OAuthFlow against the real jcode-emulator: loopback, paste, busy fixed port, scriptable.
#include <jcode/auth/oauth_flow.hpp>
#include <jcode/auth/token_endpoint.hpp>
#include <jcode/text/text.hpp>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "support/browser_io.hpp"
#include "support/emulator_process.hpp"

using namespace jcode;
using namespace jcode::auth;
using namespace std::chrono_literals;

namespace {

constexpr const char* kClaudeToken = "POST /platform.claude.com/v1/oauth/token";
constexpr const char* kOpenAIToken = "POST /auth.openai.com/oauth/token";

model::OAuthClient claude_client() {
  model::OAuthClient c;
  c.client_id = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
  c.scopes = "org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload";
  c.token_body = model::TokenBody::json;
  c.redirect_kind = model::RedirectKind::loopback_any;
  c.redirect_host = "localhost";
  c.redirect_path = "/callback";
  c.manual_redirect_uri = "https://platform.claude.com/oauth/code/callback";
  c.extra_authorize_query = "code=true";
  c.flags = JCODE_OAUTH_F_BARE_CODE | JCODE_OAUTH_F_STATE_IN_TOKEN | JCODE_OAUTH_F_CODE_HASH_STATE;
  c.timeout_s = 20;
  return c;
}

model::OAuthClient openai_client(uint16_t port) {
  model::OAuthClient c;
  c.client_id = "app_EMoamEEZ73f0CkXaXp7hrann";
  c.scopes = "openid profile email offline_access";
  c.token_body = model::TokenBody::form;
  c.redirect_kind = model::RedirectKind::loopback_fixed;
  c.redirect_port = port;
  c.redirect_host = "localhost";
  c.redirect_path = "/auth/callback";
  c.extra_authorize_query = "id_token_add_organizations=true&codex_cli_simplified_flow=true&originator=codex_cli_rs";
  c.timeout_s = 20;
  return c;
}

struct Harness {
  test::EmulatorProcess emu;
  test::TempDir tmp;
  test::BrowserIo io;
  int64_t now_ms = system_now_ms();
  PendingStore pending{tmp / "pending-login", [this] { return now_ms; }};

  OAuthFlow flow(const std::string& provider, model::OAuthClient client) {
    OAuthFlowContext ctx;
    ctx.provider = provider;
    ctx.client = std::move(client);
    if (provider == "claude") {
      ctx.urls.authorize = emu.map("https://claude.com/cai/oauth/authorize");
      ctx.urls.token = emu.map("https://platform.claude.com/v1/oauth/token");
    } else {
      ctx.urls.authorize = emu.map("https://auth.openai.com/oauth/authorize");
      ctx.urls.token = emu.map("https://auth.openai.com/oauth/token");
    }
    ctx.io = &io;
    ctx.pending = &pending;
    ctx.now = [this] { return now_ms; };
    return OAuthFlow(std::move(ctx));
  }
  // The emulator's authorization server approves (or denies) the request: where it redirects.
  std::string approve(const std::string& authorize_url, const std::string& decision = "allow") {
    auto r = emu.control("/_emulator/authorize", {{"url", authorize_url}, {"decision", decision}});
    REQUIRE_MESSAGE(r.contains("location"), r.dump());
    return r["location"].get<std::string>();
  }
};

// "http://localhost:PORT/path?query" → (PORT, "/path?query")
std::pair<uint16_t, std::string> split_loopback(const std::string& url) {
  auto hostport = url.substr(url.find("://") + 3);
  auto slash = hostport.find('/');
  auto colon = hostport.find(':');
  return {static_cast<uint16_t>(std::stoi(hostport.substr(colon + 1, slash - colon - 1))), hostport.substr(slash)};
}

}  // namespace

TEST_CASE("oauth: Claude loopback login, browser sends the callback twice, one JSON exchange") {
  Harness h;
  std::thread browser;
  h.io.browser = [&](std::string url) {
    CHECK(url.find("code_challenge_method=S256") != std::string::npos);
    CHECK(url.find("&code=true") != std::string::npos);
    std::string location = h.approve(url);
    browser = std::thread([location] {
      auto [port, target] = split_loopback(location);
      CHECK(test::raw_get(port, "/favicon.ico").status == 404);
      CHECK(test::raw_get(port, "/callback?code=forged&state=wrong").status == 400);
      CHECK(test::raw_get(port, target).status == 200);
      // Again (a browser prefetch): told it is handled, or refused once the listener closed.
      auto again = test::raw_get(port, target);
      CHECK((again.status == 0 || again.text.find("already") != std::string::npos));
    });
  };
  auto flow = h.flow("claude", claude_client());
  auto tokens = flow.interactive({});
  if (browser.joinable()) browser.join();
  REQUIRE_MESSAGE(tokens.ok(), tokens.error().message);
  auto cred = map_token_response(*tokens, nullptr, system_now_ms());
  REQUIRE(cred.ok());
  CHECK(cred->refresh_token.size() > 10);
  CHECK(cred->expires_at_ms > system_now_ms());
  CHECK(h.emu.count(kClaudeToken) == 1);
  CHECK(h.emu.bearer_get("/api.anthropic.com/api/oauth/profile", cred->access_token) == 200);
  // The state is independent of the verifier: the verifier never left the process.
  const auto& url = h.io.opened.at(0);
  CHECK(jcode::text::form_value(jcode::text::form_decode(url.substr(url.find('?') + 1)), "state")->size() == 43);
}

TEST_CASE("oauth: a denied authorization ends the login with the server's error and no exchange") {
  Harness h;
  std::thread browser;
  h.io.browser = [&](std::string url) {
    std::string location = h.approve(url, "deny");
    browser = std::thread([location] {
      auto [port, target] = split_loopback(location);
      test::raw_get(port, target);
    });
  };
  auto tokens = h.flow("claude", claude_client()).interactive({});
  if (browser.joinable()) browser.join();
  REQUIRE_FALSE(tokens.ok());
  CHECK(tokens.status() == JCODE_E_DENIED);
  CHECK(tokens.error().message.find("access_denied") != std::string::npos);
  CHECK(h.emu.count(kClaudeToken) == 0);
}

TEST_CASE("oauth: OpenAI's fixed port busy switches to paste within 1 s; the pasted URL logs in (form body)") {
  Harness h;
  test::BusyPort busy;
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  h.io.paste = fds[0];
  auto flow = h.flow("openai", openai_client(busy.port()));
  auto t0 = std::chrono::steady_clock::now();
  Result<std::string> tokens = Error{JCODE_E_INTERNAL, "not run"};
  std::thread login([&] { tokens = flow.interactive({}); });
  auto note = h.io.wait_note("is busy", 1s);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK_MESSAGE(!note.empty(), h.io.all_notes());
  CHECK(took < 1s);
  CHECK(note.find(std::to_string(busy.port())) != std::string::npos);
  CHECK(note.find("paste") != std::string::npos);
  // The user approves in a browser that cannot reach jcode, and pastes the address.
  std::string url = h.io.wait_note("http://", 2s);
  REQUIRE_FALSE(url.empty());
  CHECK(url.find("redirect_uri=http%3A%2F%2Flocalhost%3A" + std::to_string(busy.port()) + "%2Fauth%2Fcallback") !=
        std::string::npos);
  // A bare code is refused for OpenAI (state must be verified) and does not end the login.
  const std::string garbage = "just-a-code\n";
  REQUIRE(::write(fds[1], garbage.data(), garbage.size()) == static_cast<ssize_t>(garbage.size()));
  std::string location = h.approve(url) + "\n";
  REQUIRE(::write(fds[1], location.data(), location.size()) == static_cast<ssize_t>(location.size()));
  login.join();
  ::close(fds[0]);
  ::close(fds[1]);
  REQUIRE_MESSAGE(tokens.ok(), tokens.error().message);
  CHECK(h.io.all_notes().find("full callback URL") != std::string::npos);
  // The prompt never offered what it refuses.
  CHECK(h.io.all_notes().find("Paste the callback URL here") != std::string::npos);
  CHECK(h.io.all_notes().find("(or code)") == std::string::npos);
  CHECK(h.emu.count(kOpenAIToken) == 1);
  auto j = nlohmann::json::parse(*tokens);
  CHECK(j.contains("id_token"));
}

TEST_CASE("oauth: --print-auth-url then --callback-url in a new process; the state is single use") {
  Harness h;
  auto prompt = h.flow("claude", claude_client()).print_auth_url(true);
  REQUIRE(prompt.ok());
  REQUIRE(h.io.printed.size() == 1);
  auto j = nlohmann::json::parse(h.io.printed[0]);
  CHECK(j["status"] == "pending");
  CHECK(j["provider"] == "claude");
  CHECK(j["input_kind"] == "auth_code_or_callback_url");
  CHECK(j["user_code"].is_null());
  CHECK(j["expires_at_ms"] == h.now_ms + 30 * 60 * 1000);
  CHECK(j["pending_path"] == (h.tmp / "pending-login/claude.json").string());
  CHECK(j["resume_command"].get<std::string>().find("jcode login --provider claude --auth-code") == 0);
  std::string auth_url = j["auth_url"];
  CHECK(auth_url.find("redirect_uri=https%3A%2F%2Fplatform.claude.com%2Foauth%2Fcode%2Fcallback") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat((h.tmp / "pending-login/claude.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // Nothing secret on stdout but the URL itself: the verifier stays in the 0600 file.
  auto pending = nlohmann::json::parse(std::ifstream(h.tmp / "pending-login/claude.json"));
  CHECK(h.io.printed[0].find(pending["login"]["verifier"].get<std::string>()) == std::string::npos);

  std::string location = h.approve(auth_url);
  auto tokens = h.flow("claude", claude_client()).complete(location, "--callback-url");
  REQUIRE_MESSAGE(tokens.ok(), tokens.error().message);
  CHECK(h.emu.count(kClaudeToken) == 1);
  CHECK_FALSE(std::filesystem::exists(h.tmp / "pending-login/claude.json"));
  auto replay = h.flow("claude", claude_client()).complete(location, "--callback-url");
  CHECK(replay.status() == JCODE_E_NOT_FOUND);
  CHECK(replay.error().message.find("jcode login --provider claude --print-auth-url") != std::string::npos);
  CHECK(h.emu.count(kClaudeToken) == 1);
}

TEST_CASE("oauth: --auth-code code#state completes Claude; a wrong state is refused without an exchange") {
  Harness h;
  auto prompt = h.flow("claude", claude_client()).print_auth_url(false);
  REQUIRE(prompt.ok());
  CHECK(h.io.printed.at(0) == prompt->auth_url);
  CHECK(h.io.all_notes().find(prompt->resume_command) != std::string::npos);
  auto approved = h.emu.control("/_emulator/authorize", {{"url", prompt->auth_url}});
  std::string code = approved["code"], state = approved["state"];
  auto wrong = h.flow("claude", claude_client()).complete(code + "#not-the-state", "--auth-code");
  CHECK(wrong.status() == JCODE_E_DENIED);
  CHECK(h.emu.count(kClaudeToken) == 0);
  CHECK(std::filesystem::exists(h.tmp / "pending-login/claude.json"));  // a typo does not burn it
  auto ok = h.flow("claude", claude_client()).complete(code + "#" + state, "--auth-code");
  REQUIRE_MESSAGE(ok.ok(), ok.error().message);
  CHECK(h.emu.count(kClaudeToken) == 1);
}

TEST_CASE("oauth: pending state expires after 30 minutes with a message naming the command") {
  Harness h;
  auto prompt = h.flow("openai", openai_client(1455)).print_auth_url(true);
  REQUIRE(prompt.ok());
  CHECK(prompt->input_kind == "callback_url");
  auto by_code = h.flow("openai", openai_client(1455)).complete("abc", "--auth-code");
  CHECK(by_code.status() == JCODE_E_INVALID_ARG);
  CHECK(by_code.error().message.find("--callback-url") != std::string::npos);
  h.now_ms += 30 * 60 * 1000;
  auto late = h.flow("openai", openai_client(1455)).complete("http://localhost:1455/auth/callback?code=x&state=y",
                                                             "--callback-url");
  CHECK(late.status() == JCODE_E_AUTH_EXPIRED);
  CHECK(late.error().message.find("Pending openai login state expired") != std::string::npos);
  CHECK(late.error().message.find("jcode login --provider openai --print-auth-url") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(h.tmp / "pending-login/openai.json"));
  CHECK(h.emu.count(kOpenAIToken) == 0);
}

TEST_CASE("oauth: a loopback that cannot be set up falls back to the provider's manual page and its pasted code") {
  Harness h;
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  h.io.paste = fds[0];
  auto client = claude_client();
  client.redirect_host = "192.0.2.1";  // TEST-NET-1: no address of this machine, so no listener
  auto flow = h.flow("claude", client);
  Result<std::string> tokens = Error{JCODE_E_INTERNAL, "not run"};
  std::thread login([&] { tokens = flow.interactive({}); });
  auto note = h.io.wait_note("manual flow", 5s);
  CHECK_MESSAGE(!note.empty(), h.io.all_notes());
  std::string url = h.io.wait_note("https%3A%2F%2Fplatform.claude.com%2Foauth%2Fcode%2Fcallback", 5s);
  REQUIRE_MESSAGE(!url.empty(), h.io.all_notes());
  auto approved = h.emu.control("/_emulator/authorize", {{"url", url}});
  const std::string pasted = approved["code"].get<std::string>() + "#" + approved["state"].get<std::string>() + "\n";
  REQUIRE(::write(fds[1], pasted.data(), pasted.size()) == static_cast<ssize_t>(pasted.size()));
  login.join();
  ::close(fds[0]);
  ::close(fds[1]);
  REQUIRE_MESSAGE(tokens.ok(), tokens.error().message);
  CHECK(h.emu.count(kClaudeToken) == 1);
}
