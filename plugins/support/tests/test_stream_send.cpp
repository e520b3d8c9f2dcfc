// The shared send path against a scripted host: what goes on the wire, and how each way a
// streamed answer can end (complete, HTTP error, error event, cut short, stopped by the
// event sink) reaches the host as a status and a message.
#include <jcode/support/chat_send.hpp>
#include <jcode/support/openai_error.hpp>
#include <jcode/support/stream_send.hpp>
#include <jcode/testing/fake_host.hpp>

#include "sse_replay.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using jcode::support::Failure;
using jcode::support::Headers;
using jcode::support::openai_rules;
using jcode::support::Wording;
using jcode::testing::Events;
using jcode::testing::FakeHost;
namespace cc = jcode::support::chat_completions;

namespace {

// Loads a recorded stream as the (event, data) pairs the fake host will deliver.
struct Collect {
  std::vector<std::pair<std::string, std::string>> events;
  std::string none;
  jcode_status feed(std::string_view e, std::string_view d) {
    events.emplace_back(e, d);
    return JCODE_OK;
  }
  const std::string& error_message() const { return none; }
};

std::vector<std::pair<std::string, std::string>> recorded(const std::string& name) {
  Collect c;
  support_test::replay(support_test::kFixtures + name, c);
  return c.events;
}

constexpr const char* kConversation = R"({"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]})";
constexpr const char* kToolStream = "test_openai_test_run_stream_sync_streams_real_model.0.sse";

Wording wording() {
  Wording w;
  w.service = "Example";
  w.credential = "the API key";
  w.auth_fix = "check EXAMPLE_API_KEY";
  w.not_found_fix = "check the model name";
  return w;
}

cc::Target target() {
  cc::Target t;
  t.url = "https://api.example.test/v1/chat/completions";
  t.auth.add("Authorization", "Bearer sk-example");
  t.model = "example-model";
  t.rules = openai_rules(wording(), "the Example stream ended before [DONE]");
  return t;
}

}  // namespace

TEST_CASE("chat_completions::send: the request on the wire and a recorded answer decoded") {
  FakeHost h;
  h.sse = recorded(kToolStream);
  Events ev;
  jcode_event_sink sink = ev.sink();
  REQUIRE(cc::send(h.host(), target(), kConversation, sink) == JCODE_OK);
  CHECK(h.http_calls == 1);
  CHECK(h.method == "POST");
  CHECK(h.url == "https://api.example.test/v1/chat/completions");
  CHECK(h.http_flags == (JCODE_HTTP_F_RETRY | JCODE_HTTP_F_SSE));
  CHECK(h.header("Authorization") == "Bearer sk-example");
  CHECK(h.header("content-type") == "application/json");
  CHECK(h.header("accept") == "text/event-stream");
  auto body = nlohmann::json::parse(h.request_body);
  CHECK(body["model"] == "example-model");
  CHECK(body["stream"] == true);
  CHECK(body["messages"][0]["content"] == "hi");
  CHECK(ev.count(JCODE_EVENT_TOOL_CALL_END) == 1);
  CHECK(ev.stop == "tool_use");
  CHECK(h.error_code == JCODE_OK);
}

TEST_CASE("send_streamed: a non-2xx answer is mapped by the provider's wording") {
  FakeHost h;
  Events ev;
  jcode_event_sink sink = ev.sink();
  SUBCASE("401: refresh-and-retry status, the fix named") {
    h.http_status = 401;
    h.body = R"({"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}})";
    CHECK(cc::send(h.host(), target(), kConversation, sink) == JCODE_E_AUTH_EXPIRED);
    CHECK(h.error_message == "Example refused the API key (401: invalid_api_key: Incorrect API key provided); check "
                            "EXAMPLE_API_KEY");
  }
  SUBCASE("404: the model") {
    h.http_status = 404;
    h.body = R"({"error":{"message":"The model does not exist"}})";
    CHECK(cc::send(h.host(), target(), kConversation, sink) == JCODE_E_NOT_FOUND);
    CHECK(h.error_message.find("check the model name") != std::string::npos);
  }
  SUBCASE("400 is the service rejecting the request, 429 a rate limit, 503 the service failing") {
    h.body = "{}";
    h.http_status = 400;
    CHECK(cc::send(h.host(), target(), kConversation, sink) == JCODE_E_SERVER);
    h.http_status = 429;
    CHECK(cc::send(h.host(), target(), kConversation, sink) == JCODE_E_RATE_LIMITED);
    h.http_status = 503;
    CHECK(cc::send(h.host(), target(), kConversation, sink) == JCODE_E_SERVER);
  }
  CHECK(ev.types.empty());  // nothing of an error body reaches the user as answer text
}

TEST_CASE("send_streamed: an error event inside the stream, and a stream cut short") {
  FakeHost h;
  Events ev;
  jcode_event_sink sink = ev.sink();
  SUBCASE("an error object: quota codes stay rate limits") {
    h.sse = {{"", R"({"error":{"message":"You exceeded your quota","code":"insufficient_quota"}})"}};
    CHECK(cc::send(h.host(), target(), kConversation, sink) == JCODE_E_RATE_LIMITED);
    CHECK(h.error_message == "Example stream error: insufficient_quota: You exceeded your quota");
  }
  SUBCASE("no [DONE] and no finish_reason: the connection was cut") {
    auto all = recorded(kToolStream);
    all.resize(all.size() / 2);
    h.sse = all;
    CHECK(cc::send(h.host(), target(), kConversation, sink) == JCODE_E_NETWORK);
    CHECK(h.error_message == "the Example stream ended before [DONE]");
  }
  SUBCASE("data that is not JSON: the decoder's reason") {
    h.sse = {{"", "{not json"}};
    CHECK(cc::send(h.host(), target(), kConversation, sink) == JCODE_E_PROTOCOL);
    CHECK_FALSE(h.error_message.empty());
  }
}

TEST_CASE("send_streamed: the event sink stops the transfer (Ctrl-C) and its status is returned") {
  FakeHost h;
  h.sse = recorded(kToolStream);
  Events ev;
  ev.answer = JCODE_E_CANCELLED;
  jcode_event_sink sink = ev.sink();
  CHECK(cc::send(h.host(), target(), kConversation, sink) == JCODE_E_CANCELLED);
  CHECK(ev.types.size() == 1);  // the first event, then nothing
}

TEST_CASE("a malformed conversation is refused before anything is sent") {
  FakeHost h;
  Events ev;
  jcode_event_sink sink = ev.sink();
  CHECK(cc::send(h.host(), target(), "[1,2]", sink) == JCODE_E_INVALID_ARG);
  CHECK(h.http_calls == 0);
}

TEST_CASE("Headers: lookup ignores case; a moved-from list is empty") {
  Headers a{{"Authorization", "Bearer x"}, {"accept", "text/event-stream"}};
  REQUIRE(a.find("authorization") != nullptr);
  CHECK(*a.find("AUTHORIZATION") == "Bearer x");
  CHECK(a.find("api-key") == nullptr);
  Headers b = std::move(a);
  CHECK(b.items().size() == 2);
  CHECK(a.items().empty());  // NOLINT(bugprone-use-after-move): the guarantee under test
}
