#include "jwt_maker.hpp"
#include "transport.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>

using namespace jcode::openai;
using nlohmann::json;

namespace {

std::map<std::string, std::string> header_map(const Prepared& p) {
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : p.headers) m[k] = v;
  return m;
}

const char* kConversation = R"({"system":"sys","max_tokens":64,"messages":[
  {"role":"user","content":"run it"},
  {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"bash","input":{"command":"echo JCODE_TOOL_OK"}}]},
  {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"JCODE_TOOL_OK"}]}],
  "tools":[{"name":"bash","description":"Run a command","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}]})";

Origins origins() {
  Origins o;
  o.chatgpt = "https://chatgpt.com";
  o.api = "https://api.openai.com";
  return o;
}

}  // namespace

TEST_CASE("mode: a refresh token or an id_token means the ChatGPT subscription") {
  CHECK(mode_for(JCODE_CRED_OAUTH, "rt", "") == Mode::chatgpt);
  CHECK(mode_for(JCODE_CRED_OAUTH, "", "idt") == Mode::chatgpt);
  CHECK(mode_for(JCODE_CRED_OAUTH, "", "") == Mode::api_key);
  CHECK(mode_for(JCODE_CRED_API_KEY, "rt", "idt") == Mode::api_key);
}

TEST_CASE("ChatGPT mode: Codex backend URL, originator and account headers, tool outputs sent back") {
  const std::string id_token = openai_test::jwt({{"https://api.openai.com/auth", {{"chatgpt_account_id", "acct-9"}}}});
  CredentialView c;
  c.access = "access-jwt";
  c.refresh = "rt";
  c.id_token = id_token;
  Prepared p = prepare(c, kConversation, "gpt-5", origins());
  REQUIRE(p.status == JCODE_OK);
  CHECK(p.url == "https://chatgpt.com/backend-api/codex/responses");
  auto h = header_map(p);
  CHECK(h["originator"] == "codex_cli_rs");
  CHECK(h["chatgpt-account-id"] == "acct-9");
  CHECK(h["Authorization"] == "Bearer access-jwt");
  CHECK(h["accept"] == "text/event-stream");
  json b = json::parse(p.body);
  CHECK(b["store"] == false);
  CHECK(b["stream"] == true);
  CHECK(b["instructions"] == "sys");
  CHECK_FALSE(b.contains("max_output_tokens"));
  CHECK(b["include"] == json::array({"reasoning.encrypted_content"}));
  REQUIRE(b["input"].size() == 3);
  CHECK(b["input"][1]["type"] == "function_call");
  CHECK(b["input"][1]["name"] == "bash");
  CHECK(b["input"][2] == json::parse(R"({"type":"function_call_output","call_id":"call_1","output":"JCODE_TOOL_OK"})"));
  CHECK(b["tools"][0]["name"] == "bash");

  SUBCASE("a stored account id wins; the emulator origin is honoured") {
    c.account_id = "acct-stored";
    Origins o = origins();
    o.chatgpt = "http://127.0.0.1:4000/chatgpt.com/";
    Prepared q = prepare(c, kConversation, "gpt-5", o);
    CHECK(q.url == "http://127.0.0.1:4000/chatgpt.com/backend-api/codex/responses");
    CHECK(header_map(q)["chatgpt-account-id"] == "acct-stored");
  }
  SUBCASE("no account id anywhere: a clear error, nothing sent") {
    CredentialView d;
    d.access = "opaque";
    d.refresh = "rt";
    Prepared q = prepare(d, kConversation, "gpt-5", origins());
    CHECK(q.status == JCODE_E_AUTH_REQUIRED);
    CHECK(q.error.find("jcode login --provider openai") != std::string::npos);
  }
}

TEST_CASE("API-key mode: platform URL, OPENAI_BASE_URL honoured and checked") {
  CredentialView c;
  c.kind = JCODE_CRED_API_KEY;
  c.access = "sk-secret-value";
  Prepared p = prepare(c, kConversation, "gpt-4o", origins());
  REQUIRE(p.status == JCODE_OK);
  CHECK(p.url == "https://api.openai.com/v1/responses");
  auto h = header_map(p);
  CHECK(h["Authorization"] == "Bearer sk-secret-value");
  CHECK(h.count("originator") == 0);
  CHECK(h.count("chatgpt-account-id") == 0);
  json b = json::parse(p.body);
  CHECK(b["max_output_tokens"] == 64);
  CHECK_FALSE(b.contains("include"));

  Origins o = origins();
  o.base_url = "https://gateway.example.com/openai/v1/";
  CHECK(prepare(c, kConversation, "gpt-4o", o).url == "https://gateway.example.com/openai/v1/responses");
  o.base_url = "https://gateway.example.com/v1/responses";
  CHECK(prepare(c, kConversation, "gpt-4o", o).url == "https://gateway.example.com/v1/responses");
  o.base_url = "http://127.0.0.1:8080/v1";
  CHECK(prepare(c, kConversation, "gpt-4o", o).url == "http://127.0.0.1:8080/v1/responses");
  o.base_url = "http://[::1]:8080/v1";
  CHECK(prepare(c, kConversation, "gpt-4o", o).status == JCODE_OK);

  for (const char* bad : {"http://gateway.example.com/v1", "ftp://x/v1", "gateway.example.com", "https:///v1",
                          "https://user:hunter2@gateway.example.com/v1", "http://127.0.0.1.evil.com/v1"}) {
    o.base_url = bad;
    Prepared q = prepare(c, kConversation, "gpt-4o", o);
    CAPTURE(bad);
    CHECK(q.status == JCODE_E_INVALID_ARG);
    CHECK(q.error.find("OPENAI_BASE_URL") != std::string::npos);
    CHECK(q.error.find("hunter2") == std::string::npos);
    CHECK(q.error.find("sk-secret-value") == std::string::npos);
  }
}

TEST_CASE("HTTP failures follow the troubleshooting section") {
  auto f401 = classify(401, R"({"error":{"message":"Provided authentication token is expired.","code":"token_expired"}})",
                       Mode::chatgpt);
  CHECK(f401.status == JCODE_E_AUTH_EXPIRED);
  CHECK(f401.message.find("re-run `jcode login --provider openai`") != std::string::npos);
  CHECK(f401.message.find("token_expired") != std::string::npos);
  auto f403 = classify(403, R"({"detail":"forbidden"})", Mode::chatgpt);
  CHECK(f403.status == JCODE_E_AUTH_EXPIRED);
  CHECK(f403.message.find("re-run `jcode login --provider openai`") != std::string::npos);
  auto key401 = classify(401, R"({"error":{"message":"Incorrect API key provided: sk-ab*****wxyz."}})", Mode::api_key);
  CHECK(key401.message.find("OPENAI_API_KEY") != std::string::npos);
  CHECK(classify(429, R"({"error":{"message":"usage limit","type":"usage_limit_reached"}})", Mode::chatgpt).status ==
        JCODE_E_RATE_LIMITED);
  CHECK(classify(502, "<html>bad gateway</html>", Mode::api_key).status == JCODE_E_SERVER);
  auto f400 = classify(400, R"({"detail":"Store must be set to false"})", Mode::chatgpt);
  CHECK(f400.status == JCODE_E_SERVER);
  CHECK(f400.message.find("Store must be set to false") != std::string::npos);
  CHECK(classify(404, R"({"error":{"message":"The model `x` does not exist"}})", Mode::api_key).message.find(
            "OPENAI_BASE_URL") != std::string::npos);
}

TEST_CASE("no credential, malformed conversation") {
  CredentialView none;
  CHECK(prepare(none, kConversation, "gpt-5", origins()).status == JCODE_E_AUTH_REQUIRED);
  CredentialView c;
  c.kind = JCODE_CRED_API_KEY;
  c.access = "sk";
  Prepared p = prepare(c, "not json", "gpt-5", origins());
  CHECK(p.status == JCODE_E_INVALID_ARG);
  CHECK(p.error == "the conversation is not a JSON object");
}
