// The Messages API call shared by `claude` and `anthropic-api`: URL, headers, contract
// overrides, failure meaning, and one full call through a scripted host.
#include "errors.hpp"
#include <jcode/testing/fake_host.hpp>
#include "messages_transport.hpp"
#include "stream_decoder.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace jcode::claude;
using jcode::testing::Events;
using jcode::testing::FakeHost;

namespace {
bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

const std::string kConv = R"({"system":"Be brief.","messages":[{"role":"user","content":"hi"}],
  "tools":[{"name":"bash","input_schema":{"type":"object"}}]})";

const std::vector<std::pair<std::string, std::string>> kStream = {
    {"message_start", R"({"type":"message_start","message":{"model":"claude-x","usage":{"input_tokens":3,"output_tokens":1}}})"},
    {"content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
    {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})"},
    {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
    {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}})"},
    {"message_stop", R"({"type":"message_stop"})"},
};

MessagesSetup setup(FakeHost& fh, AuthMode mode, const char* id) {
  MessagesSetup s;
  s.mode = mode;
  s.contract = load_contract(fh.host(), mode);
  s.errors = {mode, id};
  s.default_model = "claude-default";
  return s;
}
}  // namespace

TEST_CASE("API error bodies: type, message and request id; other bodies cut to one line") {
  CHECK(api_error_message(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"})") ==
        "overloaded_error: Overloaded (request req_1)");
  CHECK(api_error_message(R"({"error":{"message":"bad"}})") == "bad");
  CHECK(api_error_message("") == "(empty body)");
  std::string html = "<html>\n<body>" + std::string(400, 'x') + "</body></html>";
  std::string m = api_error_message(html);
  CHECK(m.find('\n') == std::string::npos);
  CHECK(m.size() < 310);
  CHECK(has(m, "…"));
  // A cut never splits a UTF-8 sequence.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "é";
  std::string cut = api_error_message(accents);
  CHECK(nlohmann::json::parse("\"" + cut + "\"", nullptr, false).is_string());
}

TEST_CASE("HTTP failures: status for the host and a message naming the fix") {
  const ErrorContext oauth{AuthMode::oauth, "claude"};
  const ErrorContext key{AuthMode::api_key, "anthropic-api"};
  const std::string auth_body = R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})";

  Failure f = classify_http(401, auth_body, oauth);
  CHECK(f.status == JCODE_E_AUTH_EXPIRED);
  CHECK(has(f.message, "run `jcode login --provider claude`"));
  CHECK(has(f.message, "authentication_error: invalid x-api-key"));

  f = classify_http(401, auth_body, key);
  CHECK(f.status == JCODE_E_AUTH_EXPIRED);
  CHECK(has(f.message, "ANTHROPIC_API_KEY"));
  CHECK(has(f.message, "--provider anthropic-api"));

  CHECK(classify_http(429, R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})", oauth).status ==
        JCODE_E_RATE_LIMITED);
  f = classify_http(529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})", oauth);
  CHECK(f.status == JCODE_E_SERVER);
  CHECK(has(f.message, "overloaded (529)"));
  CHECK(has(f.message, "Overloaded"));
  CHECK(classify_http(503, "", oauth).status == JCODE_E_SERVER);
  f = classify_http(403, "<html><title>Just a moment...</title>/cdn-cgi/challenge-platform</html>", oauth);
  CHECK(f.status == JCODE_E_DENIED);
  CHECK(has(f.message, "VPN"));
  CHECK(classify_http(403, R"({"type":"error","error":{"type":"permission_error","message":"no"}})", oauth).status ==
        JCODE_E_DENIED);
  f = classify_http(404, R"({"type":"error","error":{"type":"not_found_error","message":"model: x"}})", key);
  CHECK(f.status == JCODE_E_NOT_FOUND);
  CHECK(has(f.message, "model"));
  CHECK(classify_http(400, R"({"type":"error","error":{"type":"invalid_request_error","message":"bad"}})", key).status ==
        JCODE_E_SERVER);
}

TEST_CASE("in-stream errors: overloaded is a server failure, rate limits stay rate limits") {
  const ErrorContext oauth{AuthMode::oauth, "claude"};
  CHECK(classify_stream_error("overloaded_error", "Overloaded", oauth).status == JCODE_E_SERVER);
  CHECK(classify_stream_error("rate_limit_error", "x", oauth).status == JCODE_E_RATE_LIMITED);
  CHECK(classify_stream_error("authentication_error", "x", oauth).status == JCODE_E_AUTH_EXPIRED);
  CHECK(classify_stream_error("api_error", "boom", oauth).message == "Claude stream error: api_error: boom");

  std::string type;
  StreamDecoder dec({}, [](const jcode_event&) { return JCODE_OK; });
  REQUIRE(dec.feed("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})") == JCODE_OK);
  CHECK(dec.error_type() == "overloaded_error");
}

TEST_CASE("URL and headers: OAuth contract vs plain API key") {
  CHECK(messages_url("https://api.anthropic.com", AuthMode::oauth) == "https://api.anthropic.com/v1/messages?beta=true");
  CHECK(messages_url("http://127.0.0.1:9/api.anthropic.com/", AuthMode::api_key) ==
        "http://127.0.0.1:9/api.anthropic.com/v1/messages");

  auto find = [](const Headers& h, const std::string& k) {
    for (const auto& [n, v] : h)
      if (n == k) return v;
    return std::string("<absent>");
  };
  Headers o = messages_headers(AuthMode::oauth, default_contract(AuthMode::oauth), "tok");
  CHECK(find(o, "Authorization") == "Bearer tok");
  CHECK(find(o, "User-Agent") == "claude-cli/1.0.0");
  CHECK(find(o, "anthropic-beta") == "oauth-2025-04-20,claude-code-20250219");
  CHECK(find(o, "anthropic-version") == "2023-06-01");
  CHECK(find(o, "x-api-key") == "<absent>");

  Headers k = messages_headers(AuthMode::api_key, default_contract(AuthMode::api_key), "sk-ant-k");
  CHECK(find(k, "x-api-key") == "sk-ant-k");
  CHECK(find(k, "Authorization") == "<absent>");
  CHECK(find(k, "anthropic-beta") == "<absent>");
  CHECK(find(k, "accept") == "text/event-stream");
  CHECK(default_contract(AuthMode::api_key).identity.empty());
}

TEST_CASE("config overrides the OAuth contract; API-key mode reads only version and betas") {
  FakeHost fh;
  fh.config = {{"user_agent", "claude-cli/9"}, {"betas", "b1"}, {"identity", "I am"},
               {"anthropic_version", "2099-01-01"}, {"tool_names.bash", "Bash"}};
  Contract o = load_contract(fh.host(), AuthMode::oauth);
  CHECK(o.user_agent == "claude-cli/9");
  CHECK(o.betas == "b1");
  CHECK(o.identity == "I am");
  CHECK(o.anthropic_version == "2099-01-01");
  CHECK(o.tool_names.at("bash") == "Bash");
  CHECK(o.tool_names.at("read") == "file_read");
  Contract k = load_contract(fh.host(), AuthMode::api_key);
  CHECK(k.identity.empty());
  CHECK(k.user_agent.empty());
  CHECK(k.betas == "b1");
  CHECK(k.tool_names.empty());
}

TEST_CASE("a streamed OAuth call: ?beta=true, bearer, identity line, renamed tools, events") {
  FakeHost fh;
  fh.sse = kStream;
  MessagesSetup s = setup(fh, AuthMode::oauth, "claude");
  Events ev;
  jcode_event_sink sink = ev.sink();
  jcode_chat_request req = jcode::testing::chat(kConv);
  REQUIRE(send_messages(fh.host(), s, req, "oauth-token", sink) == JCODE_OK);
  CHECK(fh.method == "POST");
  CHECK(fh.url == "https://api.test/v1/messages?beta=true");
  CHECK(fh.header("Authorization") == "Bearer oauth-token");
  CHECK((fh.http_flags & JCODE_HTTP_F_RETRY) != 0);
  CHECK((fh.http_flags & JCODE_HTTP_F_SSE) != 0);
  auto body = nlohmann::json::parse(fh.request_body);
  CHECK(body["model"] == "claude-default");
  CHECK(body["system"][0]["text"] == default_contract(AuthMode::oauth).identity);
  CHECK(body["tools"][0]["name"] == "shell_exec");
  CHECK(ev.text == "Hi");
  CHECK(ev.model == "claude-x");
  CHECK(ev.stop == "end_turn");
  CHECK(ev.output_tokens == 2);
}

TEST_CASE("a streamed API-key call: x-api-key, native names, no identity, no ?beta=true") {
  FakeHost fh;
  fh.sse = kStream;
  MessagesSetup s = setup(fh, AuthMode::api_key, "anthropic-api");
  Events ev;
  jcode_event_sink sink = ev.sink();
  jcode_chat_request req = jcode::testing::chat(kConv, "claude-chosen");
  REQUIRE(send_messages(fh.host(), s, req, "sk-ant-x", sink) == JCODE_OK);
  CHECK(fh.url == "https://api.test/v1/messages");
  CHECK(fh.header("x-api-key") == "sk-ant-x");
  CHECK(fh.header("Authorization") == "<absent>");
  auto body = nlohmann::json::parse(fh.request_body);
  CHECK(body["model"] == "claude-chosen");
  CHECK(body["system"].size() == 1);
  CHECK(body["system"][0]["text"] == "Be brief.");
  CHECK(body["tools"][0]["name"] == "bash");
  CHECK(ev.text == "Hi");
}

TEST_CASE("failures of the call: 401 asks for a refresh, 529 and in-stream errors explain themselves") {
  FakeHost fh;
  MessagesSetup s = setup(fh, AuthMode::oauth, "claude");
  Events ev;
  jcode_event_sink sink = ev.sink();
  jcode_chat_request req = jcode::testing::chat(kConv);

  fh.http_status = 401;
  fh.body = R"({"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired"}})";
  CHECK(send_messages(fh.host(), s, req, "t", sink) == JCODE_E_AUTH_EXPIRED);
  CHECK(has(fh.error_message, "OAuth token has expired"));
  CHECK(has(fh.error_message, "jcode login --provider claude"));
  CHECK_FALSE(has(fh.error_message, "Bearer"));

  fh.http_status = 529;
  fh.body = R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";
  CHECK(send_messages(fh.host(), s, req, "t", sink) == JCODE_E_SERVER);
  CHECK(has(fh.error_message, "529"));

  fh.http_status = 200;
  fh.body.clear();
  fh.sse = {kStream[0], {"error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"}};
  CHECK(send_messages(fh.host(), s, req, "t", sink) == JCODE_E_SERVER);
  CHECK(has(fh.error_message, "overloaded"));

  fh.sse = {kStream[0], kStream[1]};  // cut before message_stop
  CHECK(send_messages(fh.host(), s, req, "t", sink) == JCODE_E_NETWORK);  // a cut connection: exit 4

  fh.sse = {{"message_start", "{nope"}};
  CHECK(send_messages(fh.host(), s, req, "t", sink) == JCODE_E_PROTOCOL);
  CHECK(has(fh.error_message, "message_start"));

  const std::string bad = "not json";
  jcode_chat_request bad_req = jcode::testing::chat(bad);
  CHECK(send_messages(fh.host(), s, bad_req, "t", sink) == JCODE_E_INVALID_ARG);
}
