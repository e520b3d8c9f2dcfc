// The catalogue plugin as the host loads it: every preset row is a provider declaration of
// its own; create() picks the row (or the user's profile) the context serves, and each is
// the same Chat Completions send with different data.
#include "presets.hpp"

#include <jcode/testing/fake_host.hpp>
#include <jcode/testing/loaded_plugin.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

using jcode::testing::Events;
using jcode::testing::FakeHost;
using jcode::testing::key_credential;
using jcode::testing::Loaded;

namespace {

const std::string kConv = R"({"messages":[{"role":"user","content":[{"type":"text","text":"hello"}]}]})";

void answer(FakeHost& fh) {
  fh.sse = {{"", R"({"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"hi"}}]})"},
            {"", R"({"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"},
            {"", "[DONE]"}};
}

jcode_status send(Loaded& p, const jcode_credential* cred, const std::string& model = "") {
  Events ev;
  jcode_event_sink sink = ev.sink();
  jcode_chat_request req = jcode::testing::chat(kConv);
  req.model = jcode::plugin::str(model);
  return p.api->transport->send(p.inst, &req, cred, &sink);
}

}  // namespace

TEST_CASE("catalogue: one provider declaration per row, each complete") {
  FakeHost fh;
  Loaded p(COMPAT_PLUGIN_SO, fh);
  CHECK(std::string(p.api->id) == "openai-compatible");
  CHECK(std::string(p.api->profile_type) == "openai-compatible");
  CHECK((p.api->flags & JCODE_PLUGIN_F_UNTYPED_PROFILES) != 0);
  REQUIRE(p.api->providers != nullptr);
  std::set<std::string> ids;
  size_t n = 0;
  for (; p.api->providers[n]; ++n) {
    const jcode_provider_decl* d = p.api->providers[n];
    CAPTURE(d->id);
    CHECK(d->struct_size == sizeof(jcode_provider_decl));
    CHECK(ids.insert(d->id).second);
    CHECK(std::string(d->id) != "openai-compatible");
    REQUIRE(d->endpoints[0] != nullptr);
    CHECK(std::string(d->endpoints[0]->name) == "api");
    REQUIRE(d->sources[0] != nullptr);
    CHECK(d->sources[0]->kind == JCODE_SOURCE_ENV_VAR);
    CHECK(d->sources[1]->kind == JCODE_SOURCE_APP_ENV_FILE);
    CHECK((d->sources[1]->flags & JCODE_SOURCE_F_LOGIN_TARGET) != 0);
    CHECK(std::string(d->sources[1]->location) == std::string(d->id) + ".env");
  }
  CHECK(n == jcode::openai_compatible::kRows.size());
  // The design card's own plugins and the native logins are not rows.
  for (const char* own : {"fireworks", "minimax", "anthropic-api", "openai-api", "gemini-api"}) CHECK(ids.count(own) == 0);
  for (const char* listed : {"groq", "deepseek", "openrouter", "mistral", "togetherai", "cerebras", "xai", "lmstudio",
                             "ollama"})
    CHECK(ids.count(listed) == 1);
  for (size_t i = 0; i < n; ++i) {
    const std::string id = p.api->providers[i]->id;
    const bool local = id == "lmstudio" || id == "ollama";
    CHECK(((p.api->providers[i]->flags & JCODE_PROVIDER_F_CREDENTIAL_OPTIONAL) != 0) == local);
    if (id == "zai") CHECK(std::string(p.api->providers[i]->sources[2]->key) == "ZAI_API_KEY");
    if (id == "openrouter") CHECK(std::string(p.api->providers[i]->default_model) == "anthropic/claude-sonnet-4");
  }
}

TEST_CASE("catalogue: a row's instance sends its own data") {
  FakeHost fh;
  fh.provider_id = "groq";
  fh.endpoints = {{"api", "http://127.0.0.1:9/api.groq.com/openai/v1"}};
  answer(fh);
  Loaded p(COMPAT_PLUGIN_SO, fh);
  jcode_credential cred = key_credential("gsk-key-1");
  REQUIRE(send(p, &cred) == JCODE_OK);
  CHECK(fh.url == "http://127.0.0.1:9/api.groq.com/openai/v1/chat/completions");
  CHECK(fh.header("Authorization") == "Bearer gsk-key-1");
  CHECK(nlohmann::json::parse(fh.request_body)["model"] == "llama-3.1-8b-instant");
  CHECK(send(p, nullptr) == JCODE_E_AUTH_REQUIRED);
  CHECK(fh.error_message == "no Groq API key; set GROQ_API_KEY or run `jcode login --provider groq`");
}

TEST_CASE("catalogue: a local server runs without a key and sends none") {
  FakeHost fh;
  fh.provider_id = "ollama";
  fh.endpoints = {{"api", "http://localhost:11434/v1"}};
  answer(fh);
  Loaded p(COMPAT_PLUGIN_SO, fh);
  // No default model: the user must name one.
  CHECK(send(p, nullptr) == JCODE_E_INVALID_ARG);
  CHECK(fh.error_message.find("-m/--model") != std::string::npos);
  REQUIRE(send(p, nullptr, "llama3.2") == JCODE_OK);
  CHECK(fh.header("Authorization") == "<absent>");
  CHECK(nlohmann::json::parse(fh.request_body)["model"] == "llama3.2");
}

TEST_CASE("catalogue: [plugins.<row>] default_model replaces the row's") {
  FakeHost fh;
  fh.provider_id = "groq";
  fh.config = {{"default_model", "llama-3.3-70b-versatile"}};
  answer(fh);
  Loaded p(COMPAT_PLUGIN_SO, fh);
  jcode_credential cred = key_credential("gsk-key-1");
  REQUIRE(send(p, &cred) == JCODE_OK);
  CHECK(nlohmann::json::parse(fh.request_body)["model"] == "llama-3.3-70b-versatile");
}

TEST_CASE("catalogue: a profile is read from its own table") {
  FakeHost fh;
  fh.provider_id = "my-api";
  fh.endpoints = {{"api", "https://llm.example.com/v1"}};
  fh.config = {{"auth", "header"}, {"auth_header", "x-api-key"}, {"api_key_env", "MY_KEY"}, {"default_model", "m1"}};
  answer(fh);
  Loaded p(COMPAT_PLUGIN_SO, fh);
  jcode_credential cred = key_credential("k-123456");
  REQUIRE(send(p, &cred) == JCODE_OK);
  CHECK(fh.url == "https://llm.example.com/v1/chat/completions");
  CHECK(fh.header("x-api-key") == "k-123456");
  CHECK(fh.header("Authorization") == "<absent>");
  CHECK(nlohmann::json::parse(fh.request_body)["model"] == "m1");
  CHECK(send(p, nullptr) == JCODE_E_AUTH_REQUIRED);
  CHECK(fh.error_message == "no my-api API key; set MY_KEY or run `jcode login --provider my-api`");

  FakeHost keyless;
  keyless.provider_id = "local";
  keyless.endpoints = {{"api", "http://127.0.0.1:8080/v1"}};
  keyless.config = {{"auth", "none"}, {"default_model", "m2"}};
  answer(keyless);
  Loaded q(COMPAT_PLUGIN_SO, keyless);
  REQUIRE(send(q, nullptr) == JCODE_OK);
  CHECK(keyless.header("Authorization") == "<absent>");
}

TEST_CASE("catalogue: the plugin's own id is the custom endpoint") {
  FakeHost fh;  // a 1.0-1.2 host has no provider_id: the instance is the plugin's own provider
  fh.endpoints = {{"api", "https://llm.internal.example/v1"}};
  answer(fh);
  Loaded p(COMPAT_PLUGIN_SO, fh);
  jcode_credential cred = key_credential("k-custom-1");
  CHECK(send(p, &cred) == JCODE_E_INVALID_ARG);  // no default model
  REQUIRE(send(p, &cred, "some-model") == JCODE_OK);
  CHECK(fh.url == "https://llm.internal.example/v1/chat/completions");
  CHECK(std::string(p.api->sources[0]->location) == "OPENAI_COMPAT_API_KEY");
  CHECK(std::string(p.api->sources[1]->location) == "openai-compatible.env");
}

TEST_CASE("catalogue: every row's key variable is a variable name a shell can export") {
  for (const auto& r : jcode::openai_compatible::kRows) {
    CAPTURE(r.id);
    const std::string v = r.key_variable;
    REQUIRE(!v.empty());
    CHECK(!(v[0] >= '0' && v[0] <= '9'));
    for (char c : v) CHECK(((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'));
    CHECK(std::string(r.env_file) == std::string(r.id) + ".env");
  }
}
