// The two shared libraries as the host sees them: loaded with dlopen, entered through
// jcode_plugin_entry with a scripted host table, their declarations and calls checked.
#include "fake_host.hpp"

#include <doctest/doctest.h>

#include <dlfcn.h>

#include <string>

using claude_test::Events;
using claude_test::FakeHost;

#if defined(CLAUDE_PLUGIN_SO) && defined(ANTHROPIC_API_PLUGIN_SO)
namespace {

struct Loaded {
  void* handle = nullptr;
  const jcode_plugin_api* api = nullptr;
  jcode_instance* inst = nullptr;
  Loaded(const char* path, FakeHost& fh) {
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    REQUIRE_MESSAGE(handle != nullptr, dlerror());
    auto entry = reinterpret_cast<jcode_plugin_entry_fn>(dlsym(handle, JCODE_PLUGIN_ENTRY_SYMBOL));
    REQUIRE(reinterpret_cast<void*>(entry) != nullptr);
    jcode_init_in in{};
    in.struct_size = sizeof in;
    in.abi_major = JCODE_ABI_MAJOR;
    in.abi_minor_min = 0;
    in.abi_minor_max = JCODE_ABI_MINOR;
    in.host = &fh.table;
    in.ctx = reinterpret_cast<jcode_host_ctx*>(&fh);
    jcode_init_out out{};
    out.struct_size = sizeof out;
    REQUIRE(entry(&in, &out) == JCODE_OK);
    api = out.api;
    REQUIRE(api->create(in.ctx, &inst) == JCODE_OK);
  }
  ~Loaded() {
    if (inst) api->destroy(inst);
    if (handle) dlclose(handle);
  }
};

struct Put {
  std::string access;
  int32_t kind = 0;
  int calls = 0;
  jcode_credential_sink sink() {
    jcode_credential_sink s{};
    s.struct_size = sizeof s;
    s.self = this;
    s.put = [](void* self, const jcode_credential* c) {
      auto* p = static_cast<Put*>(self);
      p->access = std::string(jcode::plugin::view(c->access_token));
      p->kind = c->kind;
      ++p->calls;
      return JCODE_OK;
    };
    return s;
  }
};

jcode_credential key_credential(std::string_view key) {  // borrows key
  jcode_credential c{};
  c.struct_size = sizeof c;
  c.kind = JCODE_CRED_API_KEY;
  c.access_token = jcode::plugin::str(key);
  return c;
}

}  // namespace

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
  jcode_chat_request req = claude_test::chat(conv);
  jcode_credential cred = key_credential("sk-ant-abc");
  REQUIRE(p.api->transport->send(p.inst, &req, &cred, &es) == JCODE_OK);
  CHECK(fh.url == "https://api.test/v1/messages");
  CHECK(fh.header("x-api-key") == "sk-ant-abc");
  CHECK(p.api->transport->send(p.inst, &req, nullptr, &es) == JCODE_E_AUTH_REQUIRED);
  CHECK(fh.error_message.find("ANTHROPIC_API_KEY") != std::string::npos);
}

TEST_CASE("claude: spec discovery order; the CLI transport needs no credential; keys are refused") {
  FakeHost fh;
  Loaded p(CLAUDE_PLUGIN_SO, fh);
  CHECK(std::string(p.api->id) == "claude");
  const char* order[] = {"auth.json", "~/.claude/.credentials.json", "~/.local/share/opencode/auth.json",
                         "~/.pi/agent/auth.json"};
  for (size_t i = 0; i < 4; ++i) {
    REQUIRE(p.api->sources[i] != nullptr);
    CHECK(std::string(p.api->sources[i]->location) == order[i]);
  }
  CHECK(p.api->sources[4] == nullptr);
  CHECK(p.api->login->method == JCODE_LOGIN_OAUTH_PKCE);

  Events ev;
  jcode_event_sink es = ev.sink();
  const std::string conv = R"({"messages":[{"role":"user","content":"hi"}]})";
  jcode_chat_request req = claude_test::chat(conv);
  CHECK(p.api->transport->send(p.inst, &req, nullptr, &es) == JCODE_E_AUTH_REQUIRED);
  CHECK(fh.error_message.find("jcode login --provider claude") != std::string::npos);
  jcode_credential key = key_credential("sk-ant-x");
  CHECK(p.api->transport->send(p.inst, &req, &key, &es) == JCODE_E_INVALID_ARG);
  CHECK(fh.error_message.find("anthropic-api") != std::string::npos);
  CHECK(fh.http_calls == 0);

  fh.env["JCODE_USE_CLAUDE_CLI"] = "1";
  fh.child_stdout = R"({"type":"result","subtype":"success","is_error":false,"result":"pong"})" "\n";
  REQUIRE(p.api->transport->send(p.inst, &req, nullptr, &es) == JCODE_OK);
  CHECK(ev.text == "pong");
  CHECK(fh.argv.front() == "claude");
  CHECK(fh.spawn_calls == 1);
  CHECK(fh.http_calls == 0);
  REQUIRE_FALSE(fh.logs.empty());
  CHECK(fh.logs[0].second.find("deprecated") != std::string::npos);
}
#endif
