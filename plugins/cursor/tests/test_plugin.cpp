// The Cursor plugin as the host loads it: the key sources and the CLI session probe, both
// logins (cursor-agent login on the terminal, or a key saved to cursor.env) and the
// cursor-agent print transport (a key only in the child's environment).
#include <jcode/testing/fake_host.hpp>
#include <jcode/testing/loaded_plugin.hpp>

#include <doctest/doctest.h>

#include <string>

using jcode::testing::Events;
using jcode::testing::FakeHost;
using jcode::testing::Loaded;
using jcode::testing::Put;

namespace {

const std::string kConv = R"({"messages":[{"role":"user","content":[{"type":"text","text":"-v hello"}]}]})";

jcode_credential credential(int32_t kind, const char* token) {
  jcode_credential c{};
  c.struct_size = sizeof c;
  c.kind = kind;
  c.access_token = jcode::plugin::str(token);
  return c;
}

jcode_status login(Loaded& p, const Put& put, uint32_t flags, std::vector<jcode_kv> options = {}) {
  jcode_login_request req{};
  req.struct_size = sizeof req;
  req.flags = flags;
  req.options = options.empty() ? nullptr : options.data();
  req.option_count = options.size();
  jcode_credential_sink sink = const_cast<Put&>(put).sink();
  return p.api->login->run(p.inst, &req, &sink);
}

jcode_kv kv(const char* k, const char* v) { return {jcode::plugin::str(k), jcode::plugin::str(v)}; }

}  // namespace

TEST_CASE("cursor: the variable, then cursor.env (the login target), then the CLI's session") {
  FakeHost fh;
  Loaded p(CURSOR_PLUGIN_SO, fh);
  const char* want[] = {"cursor_api_key_env", "cursor_env", "cursor_cli_session"};
  size_t n = 0;
  for (; p.api->sources[n]; ++n) {
    REQUIRE(n < std::size(want));
    CHECK(std::string(p.api->sources[n]->id) == want[n]);
  }
  CHECK(n == 3);
  CHECK(std::string(p.api->sources[1]->key) == "CURSOR_API_KEY");
  CHECK((p.api->sources[1]->flags & JCODE_SOURCE_F_LOGIN_TARGET) != 0);
  CHECK(p.api->sources[2]->kind == JCODE_SOURCE_PLUGIN);
  CHECK(std::string(p.api->transport->default_model) == "gpt-5");
  CHECK((p.api->transport->flags & JCODE_TRANSPORT_F_TOOLS) == 0);
}

TEST_CASE("cursor: the session probe runs `cursor-agent status` and holds no secret") {
  FakeHost fh;
  fh.env = {{"JCODE_CURSOR_CLI_PATH", "/opt/cursor-agent"}};
  fh.child_stdout = "\xE2\x9C\x93 Logged in as dev@example.com\n";
  Loaded p(CURSOR_PLUGIN_SO, fh);
  Put put;
  jcode_credential_sink sink = put.sink();
  REQUIRE(p.api->credentials->resolve(p.inst, p.api->sources[2], &sink) == JCODE_OK);
  CHECK(put.kind == JCODE_CRED_SESSION);
  CHECK(put.access.empty());
  CHECK(put.account == "dev@example.com");
  CHECK(fh.argv == std::vector<std::string>{"/opt/cursor-agent", "status"});
  fh.child_stdout = "Not logged in\n";
  CHECK(p.api->credentials->resolve(p.inst, p.api->sources[2], &sink) == JCODE_E_DECLINE);
  fh.spawn_status = JCODE_E_NOT_FOUND;
  CHECK(p.api->credentials->resolve(p.inst, p.api->sources[2], &sink) == JCODE_E_DECLINE);
  fh.spawn_status = JCODE_E_TIMEOUT;
  CHECK(p.api->credentials->resolve(p.inst, p.api->sources[2], &sink) == JCODE_E_TIMEOUT);
}

TEST_CASE("cursor: login runs `cursor-agent login` on the terminal and checks the session after") {
  FakeHost fh;
  fh.child_stdout = "Logged in as dev@example.com\n";
  Loaded p(CURSOR_PLUGIN_SO, fh);
  Put put;
  CHECK(login(p, put, 0) == JCODE_OK);
  CHECK(put.calls == 0);  // the CLI keeps its session; jcode saves nothing
  CHECK(fh.spawn_calls == 2);
  CHECK(fh.argv.back() == "status");

  FakeHost failed;
  failed.child_exit = 3;
  Loaded q(CURSOR_PLUGIN_SO, failed);
  CHECK(login(q, put, 0) == JCODE_E_AUTH_REQUIRED);
  CHECK(failed.spawn_flags == JCODE_PROCESS_F_TERMINAL);
  CHECK(failed.argv == std::vector<std::string>{"cursor-agent", "login"});
  CHECK(failed.error_message.find("--use-api-key") != std::string::npos);
}

TEST_CASE("cursor: without the CLI the login asks for a key; scripts pipe one") {
  FakeHost fh;
  fh.spawn_status = JCODE_E_NOT_FOUND;
  fh.answers = {"  key_typed_123  "};
  Loaded p(CURSOR_PLUGIN_SO, fh);
  Put put;
  REQUIRE(login(p, put, 0) == JCODE_OK);
  CHECK(put.kind == JCODE_CRED_API_KEY);
  CHECK(put.access == "key_typed_123");
  REQUIRE(!fh.notices.empty());
  CHECK(fh.notices.back().find("JCODE_CURSOR_CLI_PATH") != std::string::npos);
  CHECK(fh.secrets.back() == "key_typed_123");

  FakeHost piped;
  Loaded q(CURSOR_PLUGIN_SO, piped);
  REQUIRE(login(q, put, JCODE_LOGIN_F_NONINTERACTIVE, {kv("api-key-stdin", "key_piped_456\n")}) == JCODE_OK);
  CHECK(put.access == "key_piped_456");
  CHECK(piped.spawn_calls == 0);
  CHECK(login(q, put, JCODE_LOGIN_F_NONINTERACTIVE, {kv("api-key-stdin", "two keys")}) == JCODE_E_INVALID_ARG);
  CHECK(login(q, put, JCODE_LOGIN_F_NONINTERACTIVE) == JCODE_E_NONINTERACTIVE);
  CHECK(piped.error_message.find("--api-key-stdin") != std::string::npos);
  CHECK(login(q, put, JCODE_LOGIN_F_PRINT_AUTH_URL) == JCODE_E_INVALID_ARG);
  CHECK(piped.spawn_calls == 0);

  FakeHost typed;
  typed.answers = {"key_789"};
  Loaded r(CURSOR_PLUGIN_SO, typed);
  REQUIRE(login(r, put, 0, {kv("use-api-key", "1")}) == JCODE_OK);
  CHECK(put.access == "key_789");
  CHECK(typed.spawn_calls == 0);
}

TEST_CASE("cursor: print mode with the key in the environment only; a session sends none") {
  FakeHost fh;
  fh.env = {{"JCODE_CURSOR_MODEL", "sonnet-4"}};
  fh.child_stdout = "answer\n";
  Loaded p(CURSOR_PLUGIN_SO, fh);
  Events ev;
  jcode_event_sink sink = ev.sink();
  jcode_chat_request req = jcode::testing::chat(kConv);
  jcode_credential key = credential(JCODE_CRED_API_KEY, "key_secret_1");
  REQUIRE(p.api->transport->send(p.inst, &req, &key, &sink) == JCODE_OK);
  CHECK(ev.text == "answer");
  CHECK(fh.argv == std::vector<std::string>{"cursor-agent", "--print", "--output-format", "text", "--model", "sonnet-4",
                                            "--", "-v hello"});
  REQUIRE(fh.spawn_env.size() == 1);
  CHECK(fh.spawn_env[0] == std::pair<std::string, std::string>{"CURSOR_API_KEY", "key_secret_1"});

  jcode_credential session = credential(JCODE_CRED_SESSION, "");
  REQUIRE(p.api->transport->send(p.inst, &req, &session, &sink) == JCODE_OK);
  CHECK(fh.spawn_env.empty());

  fh.child_exit = 1;
  fh.child_stderr = "Error: Authentication required\n";
  CHECK(p.api->transport->send(p.inst, &req, &session, &sink) != JCODE_OK);
  CHECK(fh.error_message.find("Authentication required") != std::string::npos);
  CHECK(p.api->transport->send(p.inst, &req, nullptr, &sink) == JCODE_E_AUTH_REQUIRED);
}
