// Chat Completions (OpenAI, Azure, any compatible host) and Azure identity (Entra, IMDS).
#include "helpers.hpp"
#include "sse.hpp"

using namespace emutest;

namespace {

const char* kAzure = "/myres.openai.azure.com/openai/v1/chat/completions";
const char* kEntraClient = "00000000-0000-0000-0000-0000000e2a01";

json chat_body(const json& messages, bool stream = false) {
  return {{"model", "gpt-4o"},
          {"messages", messages},
          {"stream", stream},
          {"tools", json::array({{{"type", "function"},
                                  {"function", {{"name", "bash"}, {"parameters", {{"type", "object"}}}}}}})}};
}

json smoke() { return json::array({{{"role", "user"}, {"content", kSmokePrompt}}}); }

httplib::Result entra(Emu& e, const std::vector<std::pair<std::string, std::string>>& kv) {
  return e.post_raw("/login.microsoftonline.com/my-tenant/oauth2/v2.0/token", jemu::build_query(kv),
                    "application/x-www-form-urlencoded");
}

}  // namespace

TEST_CASE("Azure: api-key header") {
  Emu e;
  CHECK(e.post_json(kAzure, chat_body(smoke()), {{"api-key", "wrong"}})->status == 401);
  CHECK(e.post_json(kAzure, chat_body(smoke()))->status == 401);
  auto r = e.post_json(kAzure, chat_body(smoke()), {{"api-key", "emulator-azure-key"}});
  REQUIRE(r->status == 200);
  CHECK(body_json(r)["choices"][0]["message"]["content"] == "AUTH_TEST_OK");
}

TEST_CASE("Entra: client credentials and federated token; errors") {
  Emu e;
  const std::string scope = "https://cognitiveservices.azure.com/.default";
  auto ok = entra(e, {{"grant_type", "client_credentials"}, {"client_id", kEntraClient},
                      {"client_secret", "emulator-entra-secret"}, {"scope", scope}});
  REQUIRE_MESSAGE(ok->status == 200, ok->body);
  json t = body_json(ok);
  CHECK(t["token_type"] == "Bearer");
  auto r = e.post_json(kAzure, chat_body(smoke()), {{"Authorization", "Bearer " + t["access_token"].get<std::string>()}});
  CHECK(r->status == 200);
  auto bad_secret = entra(e, {{"grant_type", "client_credentials"}, {"client_id", kEntraClient},
                              {"client_secret", "nope"}, {"scope", scope}});
  CHECK(bad_secret->status == 401);
  CHECK(body_json(bad_secret)["error"] == "invalid_client");
  auto bad_scope = entra(e, {{"grant_type", "client_credentials"}, {"client_id", kEntraClient},
                             {"client_secret", "emulator-entra-secret"}, {"scope", "https://cognitiveservices.azure.com/user.read"}});
  CHECK(body_json(bad_scope)["error"] == "invalid_scope");
  auto unknown = entra(e, {{"grant_type", "client_credentials"}, {"client_id", "who"}, {"client_secret", "x"}, {"scope", scope}});
  CHECK(body_json(unknown)["error"] == "unauthorized_client");
  // A token for another audience is not accepted by Azure OpenAI.
  json other = body_json(entra(e, {{"grant_type", "client_credentials"}, {"client_id", kEntraClient},
                                   {"client_secret", "emulator-entra-secret"}, {"scope", "https://graph.microsoft.com/.default"}}));
  CHECK(e.post_json(kAzure, chat_body(smoke()), {{"Authorization", "Bearer " + other["access_token"].get<std::string>()}})->status == 401);
  // Federated credential: a JWT assertion for api://AzureADTokenExchange.
  const std::string assertion = jemu::make_jwt({{"aud", "api://AzureADTokenExchange"}, {"exp", jemu::unix_now_s() + 600},
                                                {"iss", "https://token.actions.githubusercontent.com"}}, "k");
  auto fed = entra(e, {{"grant_type", "client_credentials"}, {"client_id", kEntraClient}, {"scope", scope},
                       {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                       {"client_assertion", assertion}});
  CHECK_MESSAGE(fed->status == 200, fed->body);
  const std::string wrong_aud = jemu::make_jwt({{"aud", "api://other"}, {"exp", jemu::unix_now_s() + 600}}, "k");
  auto fed_bad = entra(e, {{"grant_type", "client_credentials"}, {"client_id", kEntraClient}, {"scope", scope},
                           {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                           {"client_assertion", wrong_aud}});
  CHECK(body_json(fed_bad)["error"] == "invalid_client");
  // Entra tokens expire like the others.
  e.control("/_emulator/expire-access-tokens");
  CHECK(e.post_json(kAzure, chat_body(smoke()), {{"Authorization", "Bearer " + t["access_token"].get<std::string>()}})->status == 401);
}

TEST_CASE("managed identity (IMDS): Metadata header required; token usable for Azure OpenAI") {
  Emu e;
  const std::string path =
      "/169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fcognitiveservices.azure.com";
  CHECK(e.get(path)->status == 400);
  auto r = e.get(path, {{"Metadata", "true"}});
  REQUIRE(r->status == 200);
  json t = body_json(r);
  CHECK(t["expires_in"].is_string());
  CHECK(e.post_json(kAzure, chat_body(smoke()), {{"Authorization", "Bearer " + t["access_token"].get<std::string>()}})->status == 200);
}

TEST_CASE("chat: tool loop, tool message pairing, streaming with usage and [DONE]") {
  Emu e;
  httplib::Headers h{{"Authorization", "Bearer sk-emulator-openai-key"}};
  const char* path = "/api.openai.com/v1/chat/completions";
  json msgs = json::array({{{"role", "system"}, {"content", "sys"}}, {{"role", "user"}, {"content", kToolPrompt}}});
  json first = body_json(e.post_json(path, chat_body(msgs), h));
  CHECK(first["choices"][0]["finish_reason"] == "tool_calls");
  json call = first["choices"][0]["message"]["tool_calls"][0];
  CHECK(call["function"]["name"] == "bash");
  msgs.push_back(first["choices"][0]["message"]);
  msgs.push_back({{"role", "tool"}, {"tool_call_id", call["id"]}, {"content", "JCODE_TOOL_OK"}});
  json b = chat_body(msgs, true);
  b["stream_options"] = {{"include_usage", true}};
  auto r = e.post_json(path, b, h);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  auto events = jemu::sse_parse(r->body);
  REQUIRE(events.size() >= 3);
  CHECK(events.back().data == "[DONE]");
  std::string text;
  for (const auto& ev : events)
    if (ev.data != "[DONE]") {
      json c = json::parse(ev.data);
      if (!c["choices"].empty() && c["choices"][0]["delta"].contains("content") && c["choices"][0]["delta"]["content"].is_string())
        text += c["choices"][0]["delta"]["content"];
    }
  CHECK(text == "AUTH_TEST_OK");
  CHECK(json::parse(events[events.size() - 2].data)["usage"]["total_tokens"].get<int>() > 0);
  // A tool message that answers nothing, and an unanswered tool call, are refused.
  json orphan = json::array({{{"role", "user"}, {"content", "x"}}, {{"role", "tool"}, {"tool_call_id", "call_x"}, {"content", "o"}}});
  CHECK(e.post_json(path, chat_body(orphan), h)->status == 400);
  json unanswered = msgs;
  unanswered.erase(unanswered.size() - 1);
  unanswered.push_back({{"role", "user"}, {"content", "and?"}});
  CHECK(e.post_json(path, chat_body(unanswered), h)->status == 400);
}

TEST_CASE("chat: any OpenAI-compatible host with the compat key") {
  Emu e;
  const char* path = "/api.fireworks.ai/inference/v1/chat/completions";
  CHECK(e.post_json(path, chat_body(smoke()), {{"Authorization", "Bearer bad"}})->status == 401);
  auto r = e.post_json(path, chat_body(smoke()), {{"Authorization", "Bearer sk-emulator-compat-key"}});
  CHECK(r->status == 200);
  auto models = e.get("/api.fireworks.ai/inference/v1/models", {{"Authorization", "Bearer sk-emulator-compat-key"}});
  CHECK(models->status == 200);
}
