// The Copilot plugin as the host loads it: the spec's discovery order, each source's format,
// the device login's username lookup, the CLI transport (token in the environment only) and
// the native API path (token exchange, editor headers, one retry after a refused token).
#include <jcode/testing/fake_host.hpp>
#include <jcode/testing/loaded_plugin.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using jcode::testing::Events;
using jcode::testing::FakeHost;
using jcode::testing::Loaded;
using jcode::testing::Put;

namespace {

jcode_credential github(const char* token) {
  jcode_credential c{};
  c.struct_size = sizeof c;
  c.kind = JCODE_CRED_BEARER;
  c.access_token = jcode::plugin::str(token);
  return c;
}

const jcode_source_decl* source(Loaded& p, const std::string& id) {
  for (size_t i = 0; p.api->sources[i]; ++i)
    if (id == p.api->sources[i]->id) return p.api->sources[i];
  FAIL("no source " << id);
  return nullptr;
}

const std::string kConv = R"({"messages":[{"role":"user","content":[{"type":"text","text":"hello"}]}]})";

}  // namespace

TEST_CASE("copilot: the declared order is jcode's login, then the spec's eight steps") {
  FakeHost fh;
  Loaded p(COPILOT_PLUGIN_SO, fh);
  const char* want[] = {"jcode_copilot",  "copilot_github_token_env", "gh_token_env",      "github_token_env",
                        "copilot_cli_config", "github_copilot_hosts", "github_copilot_apps", "opencode_auth_json",
                        "pi_auth_json",   "gh_auth_token"};
  size_t n = 0;
  for (; p.api->sources[n]; ++n) {
    REQUIRE(n < std::size(want));
    CHECK(std::string(p.api->sources[n]->id) == want[n]);
  }
  CHECK(n == std::size(want));
  CHECK(p.api->sources[9]->kind == JCODE_SOURCE_COMMAND);
  CHECK(std::string(p.api->sources[9]->location) == "gh auth token");
  CHECK((p.api->sources[0]->flags & JCODE_SOURCE_F_LOGIN_TARGET) != 0);
  REQUIRE(p.api->login->device != nullptr);
  CHECK(std::string(p.api->login->device->client_id) == "Iv1.b507a08c87ecfe98");
  CHECK(std::string(p.api->login->device->scopes) == "read:user");
  CHECK(std::string(p.api->transport->default_model) == "claude-sonnet-4");
}

TEST_CASE("copilot: each source's format") {
  FakeHost fh;
  Loaded p(COPILOT_PLUGIN_SO, fh);
  Put put;
  jcode_credential_sink sink = put.sink();
  auto parse = [&](const char* id, const std::string& text) {
    return p.api->credentials->parse(p.inst, source(p, id), jcode::plugin::str(text), &sink);
  };
  REQUIRE(parse("jcode_copilot", R"({"oauth_token":"gho_own","user":"octo"})") == JCODE_OK);
  CHECK(put.access == "gho_own");
  REQUIRE(parse("gh_token_env", "gho_env\n") == JCODE_OK);
  CHECK(put.access == "gho_env");
  CHECK(parse("gh_token_env", "two words") == JCODE_E_PROTOCOL);
  REQUIRE(parse("github_copilot_apps", R"({"github.com:Iv1.b507a08c87ecfe98":{"user":"o","oauth_token":"ghu_app"}})") ==
          JCODE_OK);
  CHECK(put.access == "ghu_app");
  CHECK(parse("github_copilot_hosts", R"({"gitlab.com":{"oauth_token":"gho_x"}})") == JCODE_E_DECLINE);
  CHECK(parse("copilot_cli_config", "not json") == JCODE_E_PROTOCOL);
  CHECK(fh.error_message.find("Copilot CLI") != std::string::npos);
  // OpenCode's Copilot entry: the GitHub token is "refresh", a Copilot token "access".
  REQUIRE(parse("opencode_auth_json",
                R"({"github-copilot":{"type":"oauth","refresh":"gho_oc","access":"tid=1;exp=2","expires":1}})") == JCODE_OK);
  CHECK(put.access == "gho_oc");
  CHECK(parse("pi_auth_json", R"({"anthropic":{"type":"api_key","key":"sk-x"}})") == JCODE_E_DECLINE);
  REQUIRE(parse("gh_auth_token", "gho_from_gh\n") == JCODE_OK);
  CHECK(put.access == "gho_from_gh");
  CHECK(fh.secrets.back() == "gho_from_gh");
}

TEST_CASE("copilot: the device login's token answer gets the username") {
  FakeHost fh;
  fh.endpoints = {{"user", "https://api.github.test/user"}};
  fh.body = R"({"login":"octocat","id":1})";
  Loaded p(COPILOT_PLUGIN_SO, fh);
  Put put;
  jcode_credential_sink sink = put.sink();
  REQUIRE(p.api->login->token_response(p.inst, jcode::plugin::str(R"({"access_token":"gho_new","token_type":"bearer"})"),
                                       nullptr, &sink) == JCODE_OK);
  CHECK(put.access == "gho_new");
  CHECK(fh.url == "https://api.github.test/user");
  CHECK(fh.header("authorization") == "token gho_new");
  CHECK(fh.header("user-agent") == "jcode/1.0");
}

TEST_CASE("copilot: the CLI gets the token in its environment, never in argv") {
  FakeHost fh;
  fh.env = {{"JCODE_COPILOT_CLI_PATH", "/opt/copilot"}, {"JCODE_COPILOT_MODEL", "gpt-5"}};
  fh.child_stdout = "hi from copilot\n";
  Loaded p(COPILOT_PLUGIN_SO, fh);
  Events ev;
  jcode_event_sink sink = ev.sink();
  jcode_chat_request req = jcode::testing::chat(kConv);
  jcode_credential cred = github("gho_secret_1");
  REQUIRE(p.api->transport->send(p.inst, &req, &cred, &sink) == JCODE_OK);
  CHECK(ev.text == "hi from copilot");
  REQUIRE(fh.argv.size() == 5);
  CHECK(fh.argv[0] == "/opt/copilot");
  CHECK(fh.argv[1] == "-p");
  CHECK(fh.argv[2] == "hello");
  CHECK(fh.argv[4] == "gpt-5");
  for (const auto& a : fh.argv) CHECK(a.find("gho_secret_1") == std::string::npos);
  REQUIRE(fh.spawn_env.size() == 1);
  CHECK(fh.spawn_env[0] == std::pair<std::string, std::string>{"COPILOT_GITHUB_TOKEN", "gho_secret_1"});

  fh.spawn_status = JCODE_E_NOT_FOUND;
  CHECK(p.api->transport->send(p.inst, &req, &cred, &sink) == JCODE_E_NOT_FOUND);
  CHECK(fh.error_message.find("JCODE_COPILOT_CLI_PATH") != std::string::npos);
  CHECK(p.api->transport->send(p.inst, &req, nullptr, &sink) == JCODE_E_AUTH_REQUIRED);
}

TEST_CASE("copilot: transport api exchanges the token and sends the editor headers") {
  FakeHost fh;
  fh.config = {{"transport", "api"}};
  fh.endpoints = {{"token_exchange", "https://api.github.test/copilot_internal/v2/token"},
                  {"api", "https://api.githubcopilot.test"}};
  fh.body = R"({"token":"tid=abc;exp=9999999999","expires_at":9999999999})";
  fh.sse = {{"", R"({"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"native"}}]})"},
            {"", R"({"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"},
            {"", "[DONE]"}};
  Loaded p(COPILOT_PLUGIN_SO, fh);
  Events ev;
  jcode_event_sink sink = ev.sink();
  jcode_chat_request req = jcode::testing::chat(kConv);
  jcode_credential cred = github("gho_secret_2");
  REQUIRE(p.api->transport->send(p.inst, &req, &cred, &sink) == JCODE_OK);
  CHECK(ev.text == "native");
  CHECK(fh.http_calls == 2);  // the exchange, then the chat
  CHECK(fh.url == "https://api.githubcopilot.test/chat/completions");
  CHECK(fh.header("Authorization") == "Bearer tid=abc;exp=9999999999");
  CHECK(fh.header("Editor-Version") == "jcode/1.0");
  CHECK(fh.header("Copilot-Integration-Id") == "vscode-chat");
  CHECK(fh.header("X-Initiator") == "user");
  CHECK(fh.header("X-Request-Id").size() == 36);
  CHECK(nlohmann::json::parse(fh.request_body)["model"] == "claude-sonnet-4");
  // The Copilot token is kept for the next turn.
  REQUIRE(p.api->transport->send(p.inst, &req, &cred, &sink) == JCODE_OK);
  CHECK(fh.http_calls == 3);

  // A refused GitHub token at the exchange names the fix.
  FakeHost refused;
  refused.config = fh.config;
  refused.endpoints = fh.endpoints;
  refused.http_status = 401;
  refused.body = R"({"message":"Bad credentials"})";
  Loaded q(COPILOT_PLUGIN_SO, refused);
  CHECK(q.api->transport->send(q.inst, &req, &cred, &sink) == JCODE_E_AUTH_EXPIRED);
  CHECK(refused.error_message.find("Bad credentials") != std::string::npos);
  CHECK(refused.error_message.find("jcode login --provider copilot") != std::string::npos);
}

TEST_CASE("copilot: jcode's own file keeps unknown fields, and a logout leaves one that parses") {
  FakeHost fh;
  Loaded p(COPILOT_PLUGIN_SO, fh);
  const jcode_source_decl* own = source(p, "jcode_copilot");
  jcode_credential cred = github("gho_saved");
  cred.account_id = jcode::plugin::str("octo");
  jcode::plugin::StringSink out;
  REQUIRE(p.api->credentials->serialize(p.inst, own, jcode::plugin::str(R"({"note":"mine","oauth_token":"gho_old"})"),
                                        &cred, out.get()) == JCODE_OK);
  auto doc = nlohmann::json::parse(out.str());
  CHECK(doc["oauth_token"] == "gho_saved");
  CHECK(doc["user"] == "octo");
  CHECK(doc["note"] == "mine");
  jcode::plugin::StringSink gone;
  REQUIRE(p.api->credentials->serialize(p.inst, own, jcode::plugin::str(out.str()), nullptr, gone.get()) == JCODE_OK);
  CHECK(nlohmann::json::parse(gone.str()) == nlohmann::json{{"note", "mine"}});
  Put put;
  jcode_credential_sink sink = put.sink();
  CHECK(p.api->credentials->parse(p.inst, own, jcode::plugin::str(gone.str()), &sink) == JCODE_E_DECLINE);
}
