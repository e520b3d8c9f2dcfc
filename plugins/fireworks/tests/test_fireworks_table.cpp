// The Fireworks plugin as the host loads it: one preset row becomes key sources, an API-key
// login and a Chat Completions transport that talks to the declared API base.
#include <jcode/testing/fake_host.hpp>
#include <jcode/testing/loaded_plugin.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using jcode::testing::Events;
using jcode::testing::FakeHost;
using jcode::testing::key_credential;
using jcode::testing::Loaded;
using jcode::testing::Put;

TEST_CASE("fireworks: the declared tables") {
  FakeHost fh;
  Loaded p(FIREWORKS_PLUGIN_SO, fh);
  CHECK(std::string(p.api->id) == "fireworks");
  CHECK(p.api->roles == (JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT));
  REQUIRE(p.api->endpoints[0] != nullptr);
  CHECK(std::string(p.api->endpoints[0]->name) == "api");
  CHECK(std::string(p.api->endpoints[0]->default_url) == "https://api.fireworks.ai/inference/v1");
  CHECK(p.api->endpoints[1] == nullptr);
  // The environment first, then the file `jcode login` writes, then approved OpenCode/pi files.
  for (int i = 0; i < 4; ++i) REQUIRE(p.api->sources[i] != nullptr);
  CHECK(p.api->sources[4] == nullptr);
  CHECK(std::string(p.api->sources[2]->id) == "opencode_auth_json");
  CHECK(std::string(p.api->sources[3]->id) == "pi_auth_json");
  CHECK((p.api->sources[3]->flags & JCODE_SOURCE_F_SHARED) != 0);
  CHECK(p.api->sources[0]->kind == JCODE_SOURCE_ENV_VAR);
  CHECK(std::string(p.api->sources[0]->location) == "FIREWORKS_API_KEY");
  CHECK(p.api->sources[1]->kind == JCODE_SOURCE_APP_ENV_FILE);
  CHECK(std::string(p.api->sources[1]->location) == "fireworks.env");
  CHECK(std::string(p.api->sources[1]->key) == "FIREWORKS_API_KEY");
  CHECK((p.api->sources[1]->flags & JCODE_SOURCE_F_LOGIN_TARGET) != 0);
  CHECK(p.api->login->method == JCODE_LOGIN_API_KEY);
  CHECK(std::string(p.api->transport->default_model) == "accounts/fireworks/routers/kimi-k2p5-turbo");
}

TEST_CASE("fireworks: a key is parsed, a pasted key with a space is refused") {
  FakeHost fh;
  Loaded p(FIREWORKS_PLUGIN_SO, fh);
  Put put;
  jcode_credential_sink sink = put.sink();
  REQUIRE(p.api->credentials->parse(p.inst, p.api->sources[0], jcode::plugin::str(" fw-key-1\n"), &sink) == JCODE_OK);
  CHECK(put.kind == JCODE_CRED_API_KEY);
  CHECK(put.access == "fw-key-1");
  CHECK(fh.secrets.back() == "fw-key-1");
  CHECK(p.api->credentials->parse(p.inst, p.api->sources[0], jcode::plugin::str(""), &sink) == JCODE_E_DECLINE);
  CHECK(p.api->credentials->parse(p.inst, p.api->sources[1], jcode::plugin::str("fw-a fw-b"), &sink) ==
        JCODE_E_PROTOCOL);
  CHECK(fh.error_message.find("FIREWORKS_API_KEY") != std::string::npos);
}

TEST_CASE("fireworks: send goes to <api>/chat/completions with the key as a bearer") {
  FakeHost fh;
  fh.endpoints = {{"api", "http://127.0.0.1:9/api.fireworks.ai/inference/v1/"}};
  fh.sse = {{"", R"({"id":"c1","model":"kimi","choices":[{"index":0,"delta":{"content":"hi there"}}]})"},
            {"", R"({"id":"c1","model":"kimi","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"},
            {"", "[DONE]"}};
  Loaded p(FIREWORKS_PLUGIN_SO, fh);
  Events ev;
  jcode_event_sink sink = ev.sink();
  const std::string conv = R"({"messages":[{"role":"user","content":[{"type":"text","text":"hello"}]}]})";
  jcode_chat_request req = jcode::testing::chat(conv);
  jcode_credential cred = key_credential("fw-key-1");
  REQUIRE(p.api->transport->send(p.inst, &req, &cred, &sink) == JCODE_OK);
  CHECK(fh.url == "http://127.0.0.1:9/api.fireworks.ai/inference/v1/chat/completions");
  CHECK(fh.header("Authorization") == "Bearer fw-key-1");
  CHECK(nlohmann::json::parse(fh.request_body)["model"] == "accounts/fireworks/routers/kimi-k2p5-turbo");
  CHECK(ev.text == "hi there");
  CHECK(ev.stop == "end_turn");

  fh.http_status = 401;
  fh.body = R"({"error":{"message":"The API key you provided is invalid."}})";
  CHECK(p.api->transport->send(p.inst, &req, &cred, &sink) == JCODE_E_AUTH_EXPIRED);
  CHECK(fh.error_message ==
        "Fireworks AI refused the API key (401: The API key you provided is invalid.); check FIREWORKS_API_KEY, or "
        "run `jcode login --provider fireworks` again");
  CHECK(p.api->transport->send(p.inst, &req, nullptr, &sink) == JCODE_E_AUTH_REQUIRED);
}
