// The MiniMax plugin as the host loads it: the preset row's quirks are declared data — the
// China platform's base for sk-cp- keys, the legacy OPENAI_API_KEY line of minimax.env, and
// key reuse from approved OpenCode/pi files — and go through the shared mechanism.
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

namespace {

const jcode_source_decl* source(const Loaded& p, std::string_view id) {
  for (size_t i = 0; p.api->sources[i]; ++i)
    if (id == p.api->sources[i]->id) return p.api->sources[i];
  FAIL("no source " << id);
  return nullptr;
}

const std::string kConv = R"({"messages":[{"role":"user","content":[{"type":"text","text":"hello"}]}]})";

void stream_ok(FakeHost& fh) {
  fh.sse = {{"", R"({"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"ok"}}]})"},
            {"", R"({"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"},
            {"", "[DONE]"}};
}

}  // namespace

TEST_CASE("minimax: the declared tables, in discovery order") {
  FakeHost fh;
  Loaded p(MINIMAX_PLUGIN_SO, fh);
  CHECK(std::string(p.api->id) == "minimax");
  REQUIRE(p.api->endpoints[0] != nullptr);
  REQUIRE(p.api->endpoints[1] != nullptr);
  CHECK(p.api->endpoints[2] == nullptr);
  CHECK(std::string(p.api->endpoints[0]->name) == "api");
  CHECK(std::string(p.api->endpoints[0]->default_url) == "https://api.minimax.io/v1");
  CHECK(std::string(p.api->endpoints[1]->name) == "api_cn");
  CHECK(std::string(p.api->endpoints[1]->default_url) == "https://api.minimaxi.com/v1");
  const char* ids[] = {"minimax_api_key_env", "minimax_env", "minimax_env_legacy_openai_key", "opencode_auth_json",
                       "pi_auth_json"};
  for (size_t i = 0; i < 5; ++i) {
    REQUIRE(p.api->sources[i] != nullptr);
    CHECK(std::string(p.api->sources[i]->id) == ids[i]);
  }
  CHECK(p.api->sources[5] == nullptr);
  const auto* legacy = source(p, "minimax_env_legacy_openai_key");
  CHECK(legacy->kind == JCODE_SOURCE_APP_ENV_FILE);
  CHECK(std::string(legacy->location) == "minimax.env");
  CHECK(std::string(legacy->key) == "OPENAI_API_KEY");
  CHECK((legacy->flags & JCODE_SOURCE_F_LOGIN_TARGET) == 0);
  CHECK((source(p, "minimax_env")->flags & JCODE_SOURCE_F_LOGIN_TARGET) != 0);
  CHECK((source(p, "opencode_auth_json")->flags & JCODE_SOURCE_F_SHARED) != 0);
  CHECK(source(p, "opencode_auth_json")->kind == JCODE_SOURCE_EXTERNAL_FILE);
  CHECK(std::string(p.api->transport->default_model) == "MiniMax-M2.7");
}

TEST_CASE("minimax: the legacy line and an approved OpenCode/pi entry give a key; others decline") {
  FakeHost fh;
  Loaded p(MINIMAX_PLUGIN_SO, fh);
  Put put;
  jcode_credential_sink sink = put.sink();
  auto parse = [&](std::string_view id, std::string_view content) {
    return p.api->credentials->parse(p.inst, source(p, id), jcode::plugin::str(content), &sink);
  };
  REQUIRE(parse("minimax_env_legacy_openai_key", "mm-legacy-key") == JCODE_OK);
  CHECK(put.access == "mm-legacy-key");
  REQUIRE(parse("opencode_auth_json", R"({"minimax":{"type":"api","key":"mm-opencode-key"}})") == JCODE_OK);
  CHECK(put.kind == JCODE_CRED_API_KEY);
  CHECK(put.access == "mm-opencode-key");
  CHECK(fh.secrets.back() == "mm-opencode-key");
  CHECK(parse("pi_auth_json", R"({"openai":{"type":"api","key":"sk-not-for-minimax"}})") == JCODE_E_DECLINE);
  CHECK(parse("pi_auth_json", R"({"minimax":{"type":"oauth","access":"a","refresh":"r"}})") == JCODE_E_DECLINE);
  CHECK(parse("opencode_auth_json", R"({"minimax":{"type":"api","key":"two keys"}})") == JCODE_E_PROTOCOL);
  CHECK(parse("opencode_auth_json", "[1]") == JCODE_E_PROTOCOL);
}

TEST_CASE("minimax: an sk-cp- key goes to the China base, any other key to the global one") {
  FakeHost fh;
  fh.endpoints = {{"api", "http://127.0.0.1:9/api.minimax.io/v1"}, {"api_cn", "http://127.0.0.1:9/api.minimaxi.com/v1"}};
  Loaded p(MINIMAX_PLUGIN_SO, fh);
  Events ev;
  jcode_event_sink sink = ev.sink();
  jcode_chat_request req = jcode::testing::chat(kConv);

  stream_ok(fh);
  jcode_credential global = key_credential("mm-global-key");
  REQUIRE(p.api->transport->send(p.inst, &req, &global, &sink) == JCODE_OK);
  CHECK(fh.url == "http://127.0.0.1:9/api.minimax.io/v1/chat/completions");
  CHECK(nlohmann::json::parse(fh.request_body)["model"] == "MiniMax-M2.7");

  stream_ok(fh);
  jcode_credential china = key_credential("sk-cp-china-key");
  REQUIRE(p.api->transport->send(p.inst, &req, &china, &sink) == JCODE_OK);
  CHECK(fh.url == "http://127.0.0.1:9/api.minimaxi.com/v1/chat/completions");
  CHECK(fh.header("Authorization") == "Bearer sk-cp-china-key");
}
