#include <jcode/agent/run.hpp>

#include <doctest/doctest.h>

#include <stdlib.h>

#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace stdfs = std::filesystem;
namespace agent = jcode::agent;
using agent::Event;
using agent::EventType;
using nlohmann::json;

namespace {

struct Reply {
  std::vector<Event> events;
  jcode::Status status;
};

// A transport that plays back scripted responses and records what it was sent.
class Scripted final : public agent::Transport {
 public:
  std::deque<Reply> replies;
  std::vector<json> requests;
  std::vector<std::string> models;
  std::vector<std::optional<std::string>> tokens;

  jcode::Status send(const agent::ChatRequest& req, const jcode::model::Credential* cred,
                     const agent::EventHandler& on_event) override {
    requests.push_back(json::parse(req.conversation));
    models.push_back(req.model);
    tokens.push_back(cred ? std::optional<std::string>(cred->access_token) : std::nullopt);
    if (replies.empty()) return jcode::Error{JCODE_E_INTERNAL, "test script exhausted"};
    Reply r = std::move(replies.front());
    replies.pop_front();
    for (const auto& e : r.events) {
      if (auto st = on_event(e); !st) return st;
    }
    return r.status;
  }
};

Event text(std::string t) {
  Event e;
  e.type = EventType::text;
  e.text = std::move(t);
  return e;
}
Event start(int32_t index, std::string id, std::string name) {
  Event e;
  e.type = EventType::tool_call_start;
  e.index = index;
  e.id = std::move(id);
  e.name = std::move(name);
  return e;
}
Event delta(int32_t index, std::string fragment) {
  Event e;
  e.type = EventType::tool_call_delta;
  e.index = index;
  e.json = std::move(fragment);
  return e;
}
Event end(int32_t index, std::string id, std::string name, std::string args) {
  Event e;
  e.type = EventType::tool_call_end;
  e.index = index;
  e.id = std::move(id);
  e.name = std::move(name);
  e.json = std::move(args);
  return e;
}
Event stop(std::string reason) {
  Event e;
  e.type = EventType::stop;
  e.text = std::move(reason);
  return e;
}
Event usage(int64_t in, int64_t out) {
  Event e;
  e.type = EventType::usage;
  e.input_tokens = in;
  e.output_tokens = out;
  return e;
}
Event error_event(std::string message, int32_t http, std::string type) {
  Event e;
  e.type = EventType::error;
  e.text = std::move(message);
  e.http_status = http;
  e.name = std::move(type);
  return e;
}
Event model_event(std::string m) {
  Event e;
  e.type = EventType::model;
  e.text = std::move(m);
  return e;
}

// One complete tool call as a plugin streams it.
std::vector<Event> call(int32_t index, const std::string& id, const std::string& name, const std::string& args) {
  return {start(index, id, name), delta(index, args.substr(0, args.size() / 2)),
          delta(index, args.substr(args.size() / 2)), end(index, id, name, args)};
}

Reply tool_reply(std::vector<std::vector<Event>> calls, std::string lead_text = "") {
  Reply r;
  if (!lead_text.empty()) r.events.push_back(text(lead_text));
  for (auto& c : calls) r.events.insert(r.events.end(), c.begin(), c.end());
  r.events.push_back(stop("tool_use"));
  return r;
}

Reply final_reply(std::string t) { return Reply{{text(std::move(t)), stop("end_turn")}, {}}; }

struct TempWorkspace {
  stdfs::path path;
  jcode::agent_tools::ToolContext ctx;
  TempWorkspace() {
    std::string tmpl = (stdfs::temp_directory_path() / "jcode-agent-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    REQUIRE(made != nullptr);
    path = stdfs::canonical(made);
    ctx.cwd = path;
  }
  ~TempWorkspace() {
    std::error_code ec;
    stdfs::remove_all(path, ec);
  }
};

jcode::model::Credential cred(std::string token) {
  jcode::model::Credential c;
  c.access_token = std::move(token);
  return c;
}

const json& last_message(const agent::Conversation& c) { return c.messages().back(); }

}  // namespace

TEST_CASE("agent: a text-only answer ends the run after one turn") {
  Scripted t;
  t.replies.push_back(Reply{{model_event("claude-test"), text("AUTH_"), usage(10, 1), text("TEST_OK"),
                             usage(10, 3), stop("end_turn")},
                            {}});
  agent::Conversation conv;
  conv.system = "be brief";
  conv.add_user_text("Reply with exactly AUTH_TEST_OK");
  std::string streamed;
  std::vector<std::string> stops;
  agent::Observer obs;
  obs.on_text = [&](std::string_view d) { streamed += d; };
  obs.on_stop = [&](const std::string& r) { stops.push_back(r); };
  agent::Options opt;
  opt.model = "m1";

  auto res = agent::run_turns(t, {}, conv, opt, obs);
  REQUIRE(res.ok());
  CHECK(res->final_text == "AUTH_TEST_OK");
  CHECK(res->stop_reason == "end_turn");
  CHECK(res->model == "claude-test");
  CHECK(res->turns == 1);
  CHECK(res->usage.input_tokens == 10);
  CHECK(res->usage.output_tokens == 3);
  CHECK(res->tool_calls.empty());
  CHECK(streamed == "AUTH_TEST_OK");
  CHECK(stops == std::vector<std::string>{"end_turn"});

  REQUIRE(t.requests.size() == 1);
  CHECK(t.models[0] == "m1");
  CHECK(t.tokens[0] == std::nullopt);  // no credential provider: no credential
  const json& req = t.requests[0];
  CHECK(req["system"] == "be brief");
  CHECK(req["max_tokens"] == 8192);
  CHECK(req["messages"] == json::parse(R"([{"role":"user","content":[{"type":"text","text":"Reply with exactly AUTH_TEST_OK"}]}])"));
  REQUIRE(req["tools"].size() == jcode::agent_tools::builtin().size());  // every native tool by default
  CHECK(req["tools"][0]["name"] == "bash");
  CHECK(req["tools"][0]["input_schema"]["required"] == json::array({"command"}));
  CHECK(last_message(conv) == json::parse(R"({"role":"assistant","content":[{"type":"text","text":"AUTH_TEST_OK"}]})"));
}

TEST_CASE("agent: one bash call, its result sent back, then the final text") {
  TempWorkspace ws;
  Scripted t;
  t.replies.push_back(tool_reply({call(0, "toolu_1", "bash", R"({"command":"echo JCODE_TOOL_OK"})")}, "Running it."));
  t.replies.push_back(final_reply("AUTH_TEST_OK"));
  agent::Conversation conv;
  conv.add_user_text("Use exactly one bash tool call");
  agent::Options opt;
  opt.only_tools = std::vector<std::string>{"bash"};
  opt.allow_tools = {"bash"};
  opt.tool_context = &ws.ctx;
  std::vector<std::string> seen;
  agent::Observer obs;
  obs.on_tool_call = [&](const std::string& name, const json& input) { seen.push_back("call " + name + " " + input.dump()); };
  obs.on_tool_result = [&](const std::string& name, const std::string& out, bool err) {
    seen.push_back("result " + name + " " + out + (err ? " error" : ""));
  };

  auto res = agent::run_turns(t, {}, conv, opt, obs);
  REQUIRE(res.ok());
  CHECK(res->final_text == "AUTH_TEST_OK");
  CHECK(res->turns == 2);
  REQUIRE(res->tool_calls.size() == 1);
  const auto& rec = res->tool_calls[0];
  CHECK(rec.id == "toolu_1");
  CHECK(rec.name == "bash");
  CHECK(rec.input == json{{"command", "echo JCODE_TOOL_OK"}});
  CHECK(rec.valid_input);
  CHECK(rec.output == "JCODE_TOOL_OK\n");
  CHECK_FALSE(rec.is_error);
  CHECK(seen == std::vector<std::string>{"call bash {\"command\":\"echo JCODE_TOOL_OK\"}", "result bash JCODE_TOOL_OK\n"});

  REQUIRE(t.requests.size() == 2);
  CHECK(t.requests[0]["tools"].size() == 1);
  CHECK(t.requests[0]["tools"][0]["name"] == "bash");
  const json& msgs = t.requests[1]["messages"];
  REQUIRE(msgs.size() == 3);
  CHECK(msgs[1] == json::parse(R"({"role":"assistant","content":[{"type":"text","text":"Running it."},
      {"type":"tool_use","id":"toolu_1","name":"bash","input":{"command":"echo JCODE_TOOL_OK"}}]})"));
  CHECK(msgs[2] == json::parse(R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1",
      "content":"JCODE_TOOL_OK\n","is_error":false}]})"));
  CHECK(conv.messages().size() == 4);
}

TEST_CASE("agent: a tool that is not allowed is refused and the refusal goes to the model") {
  TempWorkspace ws;
  Scripted t;
  t.replies.push_back(tool_reply({call(0, "c1", "bash", R"({"command":"touch made-by-bash"})")}));
  t.replies.push_back(final_reply("ok"));
  agent::Conversation conv;
  conv.add_user_text("go");
  agent::Options opt;
  opt.tool_context = &ws.ctx;

  auto res = agent::run_turns(t, {}, conv, opt);
  REQUIRE(res.ok());
  REQUIRE(res->tool_calls.size() == 1);
  CHECK(res->tool_calls[0].is_error);
  CHECK(res->tool_calls[0].output == "the user did not allow bash");
  CHECK_FALSE(stdfs::exists(ws.path / "made-by-bash"));
  CHECK(t.requests[1]["messages"][2]["content"][0] ==
        json::parse(R"({"type":"tool_result","tool_use_id":"c1","content":"the user did not allow bash","is_error":true})"));
}

TEST_CASE("agent: the permission callback decides; allow_always is remembered, read-only tools never ask") {
  TempWorkspace ws;
  Scripted t;
  t.replies.push_back(tool_reply({call(0, "a", "write", R"({"path":"one.txt","content":"1"})"),
                                  call(1, "b", "write", R"({"path":"two.txt","content":"2"})"),
                                  call(2, "c", "read", R"({"path":"one.txt"})"),
                                  call(3, "d", "bash", R"({"command":"touch nope"})")}));
  t.replies.push_back(final_reply("done"));
  agent::Conversation conv;
  conv.add_user_text("go");
  agent::Options opt;
  opt.tool_context = &ws.ctx;
  std::vector<std::string> asked;
  opt.ask_permission = [&](const jcode::agent_tools::Tool& tool, const json& input) {
    asked.push_back(tool.name + ":" + input.value("path", input.value("command", "")));
    return tool.name == "write" ? agent::Permission::allow_always : agent::Permission::deny;
  };

  auto res = agent::run_turns(t, {}, conv, opt);
  REQUIRE(res.ok());
  CHECK(asked == std::vector<std::string>{"write:one.txt", "bash:touch nope"});
  REQUIRE(res->tool_calls.size() == 4);
  CHECK_FALSE(res->tool_calls[0].is_error);
  CHECK_FALSE(res->tool_calls[1].is_error);
  CHECK(res->tool_calls[2].output == "     1\t1\n");
  CHECK(res->tool_calls[3].output == "the user did not allow bash");
  CHECK(stdfs::exists(ws.path / "two.txt"));
  CHECK_FALSE(stdfs::exists(ws.path / "nope"));
  // All four results go back in one user message, in call order.
  const json& results = t.requests[1]["messages"][2]["content"];
  REQUIRE(results.size() == 4);
  CHECK(results[0]["tool_use_id"] == "a");
  CHECK(results[3]["tool_use_id"] == "d");
}

TEST_CASE("agent: unknown and undeclared tools get error results") {
  TempWorkspace ws;
  Scripted t;
  t.replies.push_back(tool_reply({call(0, "u1", "frobnicate", "{}"), call(1, "u2", "read", R"({"path":"x"})")}));
  t.replies.push_back(final_reply("sorry"));
  agent::Conversation conv;
  conv.add_user_text("go");
  agent::Options opt;
  opt.only_tools = std::vector<std::string>{"bash"};
  opt.tool_context = &ws.ctx;

  auto res = agent::run_turns(t, {}, conv, opt);
  REQUIRE(res.ok());
  REQUIRE(res->tool_calls.size() == 2);
  CHECK(res->tool_calls[0].is_error);
  CHECK(res->tool_calls[0].output == "unknown tool \"frobnicate\"");
  CHECK(res->tool_calls[1].is_error);
  CHECK(res->tool_calls[1].output == "tool \"read\" is not available in this session");
  CHECK(res->final_text == "sorry");

  Scripted t2;
  agent::Options bad;
  bad.only_tools = std::vector<std::string>{"bash", "nope"};
  auto r2 = agent::run_turns(t2, {}, conv, bad);
  CHECK(r2.status() == JCODE_E_INVALID_ARG);
  CHECK(t2.requests.empty());
}

TEST_CASE("agent: malformed tool arguments become an error result, nothing runs") {
  TempWorkspace ws;
  Scripted t;
  Reply r;
  r.events = {start(0, "m1", "bash"), delta(0, "{\"command\": \"touch x"), end(0, "m1", "bash", "{\"command\": \"touch x"),
              start(1, "m2", "bash"), end(1, "m2", "bash", "[\"not an object\"]"), stop("tool_use")};
  t.replies.push_back(std::move(r));
  t.replies.push_back(final_reply("retrying later"));
  agent::Conversation conv;
  conv.add_user_text("go");
  agent::Options opt;
  opt.allow_tools = {"*"};
  opt.tool_context = &ws.ctx;

  auto res = agent::run_turns(t, {}, conv, opt);
  REQUIRE(res.ok());
  REQUIRE(res->tool_calls.size() == 2);
  CHECK_FALSE(res->tool_calls[0].valid_input);
  CHECK(res->tool_calls[0].raw_input == "{\"command\": \"touch x");
  CHECK(res->tool_calls[0].is_error);
  CHECK(res->tool_calls[0].output.starts_with("invalid tool call: the arguments are not valid JSON"));
  CHECK(res->tool_calls[1].output.starts_with("invalid tool call: the arguments are JSON but not an object"));
  CHECK_FALSE(stdfs::exists(ws.path / "x"));
  // The conversation stays valid for the provider: the tool_use input is an object.
  CHECK(t.requests[1]["messages"][1]["content"][0]["input"] == json::object());
}

TEST_CASE("agent: tool calls without START, with reused indexes, and with arguments only in deltas") {
  TempWorkspace ws;
  Scripted t;
  Reply r;
  r.events = {end(0, "e1", "todoread", "{}"),                                      // END only
              start(0, "e2", "todoread"), end(0, "e2", "todoread", ""),       // index 0 again, no args
              start(5, "e3", "read"), delta(5, "{\"path\":"), delta(5, "\"f\"}"), stop("tool_use")};  // no END
  t.replies.push_back(std::move(r));
  t.replies.push_back(final_reply("ok"));
  agent::Conversation conv;
  conv.add_user_text("go");
  agent::Options opt;
  opt.tool_context = &ws.ctx;
  auto res = agent::run_turns(t, {}, conv, opt);
  REQUIRE(res.ok());
  REQUIRE(res->tool_calls.size() == 3);
  CHECK(res->tool_calls[0].id == "e1");
  CHECK(res->tool_calls[1].id == "e2");
  CHECK(res->tool_calls[1].valid_input);
  CHECK(res->tool_calls[2].input == json{{"path", "f"}});
  CHECK(res->tool_calls[2].output == "f does not exist");
}

TEST_CASE("agent: the turn limit ends a run that keeps calling tools") {
  TempWorkspace ws;
  Scripted t;
  for (int i = 0; i < 5; ++i) t.replies.push_back(tool_reply({call(0, "t" + std::to_string(i), "todoread", "{}")}));
  agent::Conversation conv;
  conv.add_user_text("loop");
  agent::Options opt;
  opt.max_turns = 3;
  opt.tool_context = &ws.ctx;
  auto res = agent::run_turns(t, {}, conv, opt);
  REQUIRE_FALSE(res.ok());
  CHECK(res.status() == JCODE_E_PROTOCOL);
  CHECK(res.error().message.find("after 3 turns") != std::string::npos);
  CHECK(t.requests.size() == 3);
  // Every tool_use is still answered.
  const json& last = last_message(conv);
  CHECK(last["role"] == "user");
  CHECK(last["content"][0]["tool_use_id"] == "t2");
  CHECK(last["content"][0]["is_error"] == true);
}

TEST_CASE("agent: an expired credential is refreshed once and the turn retried") {
  Scripted t;
  t.replies.push_back(Reply{{}, jcode::Error{JCODE_E_AUTH_EXPIRED, "claude: 401 token expired"}});
  t.replies.push_back(final_reply("AUTH_TEST_OK"));
  std::vector<bool> asked;
  agent::CredentialProvider provider = [&](bool force) -> jcode::Result<jcode::model::Credential> {
    asked.push_back(force);
    return cred(force ? "fresh" : "stale");
  };
  agent::Conversation conv;
  conv.add_user_text("hi");
  auto res = agent::run_turns(t, provider, conv, {});
  REQUIRE(res.ok());
  CHECK(res->final_text == "AUTH_TEST_OK");
  CHECK(res->turns == 1);
  CHECK(asked == std::vector<bool>{false, true});
  REQUIRE(t.tokens.size() == 2);
  CHECK(t.tokens[0] == "stale");
  CHECK(t.tokens[1] == "fresh");
  CHECK(t.requests[0] == t.requests[1]);  // the same turn, resent
}

TEST_CASE("agent: a second auth failure, or a failed refresh, is returned as is") {
  agent::Conversation conv;
  conv.add_user_text("hi");
  int calls = 0;
  agent::CredentialProvider provider = [&](bool) -> jcode::Result<jcode::model::Credential> {
    ++calls;
    return cred("t");
  };
  Scripted t;
  t.replies.push_back(Reply{{}, jcode::Error{JCODE_E_AUTH_EXPIRED, "first"}});
  t.replies.push_back(Reply{{}, jcode::Error{JCODE_E_AUTH_EXPIRED, "claude: refused again"}});
  auto res = agent::run_turns(t, provider, conv, {});
  REQUIRE_FALSE(res.ok());
  CHECK(res.status() == JCODE_E_AUTH_EXPIRED);
  CHECK(res.error().message == "claude: refused again");
  CHECK(t.requests.size() == 2);
  CHECK(calls == 2);

  Scripted t2;
  t2.replies.push_back(Reply{{}, jcode::Error{JCODE_E_AUTH_EXPIRED, "expired"}});
  agent::CredentialProvider failing = [](bool force) -> jcode::Result<jcode::model::Credential> {
    if (force) return jcode::Error{JCODE_E_AUTH_REQUIRED, "refresh token revoked; run: jcode login --provider claude"};
    return cred("t");
  };
  auto r2 = agent::run_turns(t2, failing, conv, {});
  CHECK(r2.status() == JCODE_E_AUTH_REQUIRED);
  CHECK(t2.requests.size() == 1);

  // Without a provider there is nothing to refresh.
  Scripted t3;
  t3.replies.push_back(Reply{{}, jcode::Error{JCODE_E_AUTH_EXPIRED, "expired"}});
  CHECK(agent::run_turns(t3, {}, conv, {}).status() == JCODE_E_AUTH_EXPIRED);
  CHECK(t3.requests.size() == 1);

  // A provider that cannot give a credential at all stops before sending.
  Scripted t4;
  agent::CredentialProvider none = [](bool) -> jcode::Result<jcode::model::Credential> {
    return jcode::Error{JCODE_E_AUTH_REQUIRED, "not logged in"};
  };
  CHECK(agent::run_turns(t4, none, conv, {}).status() == JCODE_E_AUTH_REQUIRED);
  CHECK(t4.requests.empty());
}

TEST_CASE("agent: error events fail the turn with their message; transport errors pass through") {
  agent::Conversation conv;
  conv.add_user_text("hi");
  Scripted t;
  t.replies.push_back(Reply{{text("par"), error_event("Overloaded", 529, "overloaded_error")}, {}});
  std::vector<std::string> errors;
  agent::Observer obs;
  obs.on_error = [&](const std::string& m, int32_t http) { errors.push_back(m + "|" + std::to_string(http)); };
  auto res = agent::run_turns(t, {}, conv, {}, obs);
  REQUIRE_FALSE(res.ok());
  CHECK(res.status() == JCODE_E_SERVER);
  CHECK(res.error().message == "overloaded_error: Overloaded (HTTP 529)");
  CHECK(errors == std::vector<std::string>{"overloaded_error: Overloaded|529"});
  CHECK(conv.messages().size() == 1);  // nothing half-received was added

  Scripted t2;
  t2.replies.push_back(Reply{{error_event("rate_limit_error: slow down", 429, "rate_limit_error")}, {}});
  auto r2 = agent::run_turns(t2, {}, conv, {});
  CHECK(r2.status() == JCODE_E_RATE_LIMITED);
  CHECK(r2.error().message == "rate_limit_error: slow down (HTTP 429)");

  Scripted t3;
  t3.replies.push_back(Reply{{text("x")}, jcode::Error{JCODE_E_NETWORK, "claude: cannot connect to api.anthropic.com"}});
  auto r3 = agent::run_turns(t3, {}, conv, {});
  CHECK(r3.status() == JCODE_E_NETWORK);
  CHECK(r3.error().message == "claude: cannot connect to api.anthropic.com");
}

TEST_CASE("agent: usage is summed over turns; cancellation stops the plugin") {
  TempWorkspace ws;
  Scripted t;
  Reply r1 = tool_reply({call(0, "x", "todoread", "{}")});
  r1.events.insert(r1.events.begin(), {usage(100, 0), usage(0, 7)});
  t.replies.push_back(std::move(r1));
  Reply r2 = final_reply("ok");
  r2.events.push_back(usage(150, 5));
  t.replies.push_back(std::move(r2));
  agent::Conversation conv;
  conv.add_user_text("hi");
  agent::Options opt;
  opt.tool_context = &ws.ctx;
  std::vector<int64_t> totals;
  agent::Observer obs;
  obs.on_usage = [&](const agent::Usage& u) { totals.push_back(u.input_tokens + u.output_tokens); };
  auto res = agent::run_turns(t, {}, conv, opt, obs);
  REQUIRE(res.ok());
  CHECK(res->usage.input_tokens == 250);
  CHECK(res->usage.output_tokens == 12);
  CHECK(totals == std::vector<int64_t>{100, 107, 262});

  Scripted t2;
  t2.replies.push_back(Reply{{text("a"), text("b"), text("c")}, {}});
  int seen = 0;
  agent::Options cancel;
  cancel.cancelled = [&] { return seen >= 1; };
  agent::Observer count;
  count.on_text = [&](std::string_view) { ++seen; };
  auto rc = agent::run_turns(t2, {}, conv, cancel, count);
  CHECK(rc.status() == JCODE_E_CANCELLED);
  CHECK(seen == 1);
}

TEST_CASE("agent: conversation JSON merges same-role messages and survives invalid UTF-8") {
  agent::Conversation conv;
  conv.max_tokens = 0;
  conv.add_user_text("one");
  conv.add_user_text("two");
  conv.add_message("assistant", json::array());  // empty: ignored
  conv.add_message("assistant", agent::text_block("three"));
  const json j = conv.to_json();
  CHECK(j == json::parse(R"({"messages":[{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},
      {"role":"assistant","content":[{"type":"text","text":"three"}]}]})"));

  conv.add_message("user", json::array({agent::tool_result_block("id", std::string("caf\xe9 \xff"), false)}));
  const json back = json::parse(conv.serialize());
  CHECK(back["messages"][2]["content"][0]["content"] == "caf\xef\xbf\xbd \xef\xbf\xbd");

  const auto* bash = jcode::agent_tools::find("bash");
  conv.declare(*bash);
  conv.declare(*bash);
  CHECK(conv.tools.size() == 1);
}

TEST_CASE("agent: --allow-tools lists are checked against the native tools") {
  auto ok = agent::parse_tool_list("bash, write,bash,,", "--allow-tools");
  REQUIRE(ok.ok());
  CHECK(*ok == std::vector<std::string>{"bash", "write"});
  auto all = agent::parse_tool_list("*", "--allow-tools");
  REQUIRE(all.ok());
  CHECK(*all == std::vector<std::string>{"*"});
  auto bad = agent::parse_tool_list("bash,shell_exec", "--allow-tools");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status() == JCODE_E_INVALID_ARG);
  CHECK(bad.error().message.find("--allow-tools: unknown tool \"shell_exec\"") == 0);
  CHECK(bad.error().message.find("bash, read, write") != std::string::npos);
}
