// The two shared libraries as the host sees them: loaded with dlopen, entered through
// jcode_plugin_entry with a scripted host table, their declarations and calls checked.
#include <jcode/testing/fake_host.hpp>
#include <jcode/testing/loaded_plugin.hpp>

#include <doctest/doctest.h>

#include <string>

using jcode::testing::Events;
using jcode::testing::FakeHost;

#if defined(CLAUDE_PLUGIN_SO) && defined(ANTHROPIC_API_PLUGIN_SO)
using jcode::testing::key_credential;
using jcode::testing::Loaded;
using jcode::testing::Put;

TEST_CASE("anthropic-api: key sources in order, API-key login, x-api-key transport") {
  FakeHost fh;
  Loaded p(ANTHROPIC_API_PLUGIN_SO, fh);
  CHECK(std::string(p.api->id) == "anthropic-api");
  CHECK(std::string(p.api->display_name) == "Anthropic API (key)");
  CHECK(p.api->roles == (JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT));
  REQUIRE(p.api->sources[0] != nullptr);
  CHECK(p.api->sources[0]->kind == JCODE_SOURCE_ENV_VAR);
  CHECK(std::string(p.api->sources[0]->location) == "ANTHROPIC_API_KEY");
  REQUIRE(p.api->sources[1] != nullptr);
  CHECK(p.api->sources[1]->kind == JCODE_SOURCE_APP_ENV_FILE);
  CHECK(std::string(p.api->sources[1]->location) == "anthropic.env");
  CHECK(std::string(p.api->sources[1]->key) == "ANTHROPIC_API_KEY");
  CHECK(p.api->sources[1]->flags == JCODE_SOURCE_F_LOGIN_TARGET);
  CHECK(p.api->sources[2] == nullptr);
  CHECK(p.api->login->method == JCODE_LOGIN_API_KEY);
  CHECK(std::string(p.api->endpoints[0]->name) == "api");
  CHECK(std::string(p.api->endpoints[0]->default_url) == "https://api.anthropic.com");
  CHECK(p.api->endpoints[1] == nullptr);

  Put put;
  jcode_credential_sink cs = put.sink();
  const std::string raw = "  sk-ant-abc\n";
  REQUIRE(p.api->credentials->parse(p.inst, p.api->sources[0], jcode::plugin::str(raw), &cs) == JCODE_OK);
  CHECK(put.access == "sk-ant-abc");
  CHECK(put.kind == JCODE_CRED_API_KEY);
  CHECK(fh.secrets.back() == "sk-ant-abc");
  CHECK(p.api->credentials->parse(p.inst, p.api->sources[1], jcode::plugin::str(""), &cs) == JCODE_E_DECLINE);
  const std::string spaced = "sk-ant a";
  CHECK(p.api->credentials->parse(p.inst, p.api->sources[0], jcode::plugin::str(spaced), &cs) == JCODE_E_PROTOCOL);
  CHECK(fh.error_message.find("ANTHROPIC_API_KEY") != std::string::npos);
  CHECK(fh.error_message.find("sk-ant a") == std::string::npos);

  fh.sse = {{"message_start", R"({"type":"message_start","message":{"model":"m"}})"}, {"message_stop", "{}"}};
  Events ev;
  jcode_event_sink es = ev.sink();
  const std::string conv = R"({"messages":[{"role":"user","content":"hi"}]})";
  jcode_chat_request req = jcode::testing::chat(conv);
  jcode_credential cred = key_credential("sk-ant-abc");
  REQUIRE(p.api->transport->send(p.inst, &req, &cred, &es) == JCODE_OK);
  CHECK(fh.url == "https://api.test/v1/messages");
  CHECK(fh.header("x-api-key") == "sk-ant-abc");
  CHECK(p.api->transport->send(p.inst, &req, nullptr, &es) == JCODE_E_AUTH_REQUIRED);
  CHECK(fh.error_message.find("ANTHROPIC_API_KEY") != std::string::npos);
}

TEST_CASE("claude: discovery order; the CLI session credential selects the CLI transport; keys are refused") {
  FakeHost fh;
  Loaded p(CLAUDE_PLUGIN_SO, fh);
  CHECK(std::string(p.api->id) == "claude");
  // First the deprecated CLI's session (when asked for, it wins), then the spec's order.
  const char* order[] = {"JCODE_USE_CLAUDE_CLI", "auth.json", "~/.claude/.credentials.json",
                         "~/.local/share/opencode/auth.json", "~/.pi/agent/auth.json"};
  for (size_t i = 0; i < 5; ++i) {
    REQUIRE(p.api->sources[i] != nullptr);
    CHECK(std::string(p.api->sources[i]->location) == order[i]);
  }
  CHECK(p.api->sources[5] == nullptr);
  CHECK(p.api->sources[0]->cred_kind == JCODE_CRED_SESSION);
  CHECK((p.api->transport->flags & JCODE_TRANSPORT_F_SUBPROCESS) != 0);
  REQUIRE(p.api->aliases != nullptr);
  CHECK(std::string(p.api->aliases[0]->name) == "claude-subprocess");
  CHECK(std::string(p.api->aliases[0]->env_name) == "JCODE_USE_CLAUDE_CLI");
  CHECK(p.api->aliases[1] == nullptr);
  CHECK(p.api->login->method == JCODE_LOGIN_OAUTH_PKCE);

  Events ev;
  jcode_event_sink es = ev.sink();
  const std::string conv = R"({"messages":[{"role":"user","content":"hi"}]})";
  jcode_chat_request req = jcode::testing::chat(conv);
  CHECK(p.api->transport->send(p.inst, &req, nullptr, &es) == JCODE_E_AUTH_REQUIRED);
  CHECK(fh.error_message.find("jcode login --provider claude") != std::string::npos);
  jcode_credential key = key_credential("sk-ant-x");
  CHECK(p.api->transport->send(p.inst, &req, &key, &es) == JCODE_E_INVALID_ARG);
  CHECK(fh.error_message.find("anthropic-api") != std::string::npos);
  CHECK(fh.http_calls == 0);

  // The session source: "1" exactly gives a SESSION credential, anything else declines.
  Put put;
  jcode_credential_sink ps = put.sink();
  CHECK(p.api->credentials->parse(p.inst, p.api->sources[0], jcode::plugin::str("0"), &ps) == JCODE_E_DECLINE);
  CHECK(p.api->credentials->parse(p.inst, p.api->sources[0], jcode::plugin::str("true"), &ps) == JCODE_E_DECLINE);
  REQUIRE(p.api->credentials->parse(p.inst, p.api->sources[0], jcode::plugin::str("1"), &ps) == JCODE_OK);
  CHECK(put.kind == JCODE_CRED_SESSION);
  CHECK(put.access.empty());

  jcode_credential session{};
  session.struct_size = sizeof session;
  session.kind = JCODE_CRED_SESSION;
  fh.child_stdout = R"({"type":"result","subtype":"success","is_error":false,"result":"pong"})" "\n";
  REQUIRE(p.api->transport->send(p.inst, &req, &session, &es) == JCODE_OK);
  CHECK(ev.text == "pong");
  CHECK(fh.argv.front() == "claude");
  CHECK(fh.spawn_calls == 1);
  CHECK(fh.http_calls == 0);
  REQUIRE_FALSE(fh.logs.empty());
  CHECK(fh.logs[0].second.find("deprecated") != std::string::npos);
}
#endif
