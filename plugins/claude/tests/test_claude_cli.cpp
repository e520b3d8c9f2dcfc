// The deprecated Claude CLI transport: settings, argv, stdin, the stream-json parser, failure
// meaning, the spawn glue through a scripted host, and fake-claude.sh itself.
#include "cli_stream.hpp"
#include "cli_transport.hpp"
#include <jcode/testing/fake_host.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace jcode::claude;
using jcode::testing::Events;
using jcode::testing::FakeHost;

namespace {

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

EnvLookup env_from(std::map<std::string, std::string> m) {
  return [m = std::move(m)](std::string_view k) -> std::optional<std::string> {
    auto it = m.find(std::string(k));
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

std::string sid = R"("session_id":"s1")";

// A partial-mode run with one tool turn, as Claude Code prints it (abridged).
std::string partial_run() {
  std::string out;
  auto ev = [&](const std::string& inner) {
    out += R"({"type":"stream_event","event":)" + inner + R"(,"parent_tool_use_id":null,)" + sid + "}\n";
  };
  out += R"({"type":"system","subtype":"init","model":"claude-opus-4-5-20251101","tools":["Bash"],)" + sid + "}\n";
  ev(R"({"type":"message_start","message":{"id":"m1","model":"claude-opus-4-5-20251101","usage":{"input_tokens":9}}})");
  ev(R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})");
  ev(R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}})");
  ev(R"({"type":"content_block_stop","index":0})");
  ev(R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})");
  ev(R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Let me "}})");
  ev(R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"look."}})");
  ev(R"({"type":"content_block_stop","index":1})");
  ev(R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}})");
  ev(R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"command\":\"ls\"}"}})");
  ev(R"({"type":"content_block_stop","index":2})");
  ev(R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":4}})");
  ev(R"({"type":"message_stop"})");
  out += R"({"type":"assistant","message":{"id":"m1","model":"claude-opus-4-5-20251101","content":[{"type":"text","text":"Let me look."},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]},"parent_tool_use_id":null,)" + sid + "}\n";
  out += R"({"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"}]},"parent_tool_use_id":null,)" + sid + "}\n";
  // A sub-agent's text is not the answer.
  out += R"({"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"SUBAGENT"}},"parent_tool_use_id":"toolu_9",)" + sid + "}\n";
  ev(R"({"type":"message_start","message":{"id":"m2","model":"claude-opus-4-5-20251101","usage":{"input_tokens":20}}})");
  ev(R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
  ev(R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"There is a.txt."}})");
  ev(R"({"type":"content_block_stop","index":0})");
  ev(R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":6}})");
  ev(R"({"type":"message_stop"})");
  out += R"({"type":"assistant","message":{"id":"m2","content":[{"type":"text","text":"There is a.txt."}]},"parent_tool_use_id":null,)" + sid + "}\n";
  out += R"({"type":"result","subtype":"success","is_error":false,"num_turns":2,"result":"There is a.txt.",)" + sid +
         R"(,"usage":{"input_tokens":29,"cache_creation_input_tokens":2,"cache_read_input_tokens":5,"output_tokens":10}})" + "\n";
  return out;
}

// The same run without --include-partial-messages; block-per-line assistant messages.
std::string plain_run() {
  return R"({"type":"system","subtype":"init","model":"claude-m",)" + sid + "}\n" +
         R"({"type":"assistant","message":{"id":"m1","model":"claude-m","content":[{"type":"text","text":"Let me look."}]},"parent_tool_use_id":null,)" + sid + "}\n" +
         R"({"type":"assistant","message":{"id":"m1","model":"claude-m","content":[{"type":"tool_use","id":"t","name":"Bash","input":{}}]},"parent_tool_use_id":null,)" + sid + "}\n" +
         R"({"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]},"parent_tool_use_id":null,)" + sid + "}\n" +
         R"({"type":"assistant","message":{"id":"m2","content":[{"type":"text","text":"Done"},{"type":"text","text":" now."}]},"parent_tool_use_id":null,)" + sid + "}\n" +
         R"({"type":"result","subtype":"success","is_error":false,"result":"Done now.","usage":{"input_tokens":1,"output_tokens":2}})";  // no final newline
}

struct Parsed {
  Events ev;
  jcode_status feed_status = JCODE_OK, finish_status = JCODE_OK;
  std::unique_ptr<CliStreamParser> parser;
};

std::unique_ptr<Parsed> parse(const std::string& out, size_t chunk) {
  auto p = std::make_unique<Parsed>();
  p->parser = std::make_unique<CliStreamParser>([ev = &p->ev](const jcode_event& e) { return ev->on(e); });
  for (size_t i = 0; i < out.size() && p->feed_status == JCODE_OK; i += chunk)
    p->feed_status = p->parser->feed(std::string_view(out).substr(i, chunk));
  if (p->feed_status == JCODE_OK) p->finish_status = p->parser->finish();
  return p;
}

}  // namespace

TEST_CASE("settings: defaults, variables, request model first, unusable values named") {
  CliSettings d = cli_settings(env_from({}), "");
  CHECK(d.error.empty());
  CHECK(d.path == "claude");
  CHECK(d.model == "claude-opus-4-5-20251101");
  CHECK(d.permission_mode == "bypassPermissions");
  CHECK(d.partial);
  CHECK(cli_argv(d) == std::vector<std::string>{"claude", "-p", "--verbose", "--output-format", "stream-json",
                                                "--input-format", "stream-json", "--model",
                                                "claude-opus-4-5-20251101", "--permission-mode", "bypassPermissions",
                                                "--include-partial-messages"});

  auto env = env_from({{"JCODE_CLAUDE_CLI_PATH", "/opt/claude"},
                       {"JCODE_CLAUDE_CLI_MODEL", "claude-sonnet-4-5"},
                       {"JCODE_CLAUDE_CLI_PERMISSION_MODE", "acceptEdits"},
                       {"JCODE_CLAUDE_CLI_PARTIAL", "0"}});
  CliSettings s = cli_settings(env, "");
  CHECK(s.path == "/opt/claude");
  CHECK(s.model == "claude-sonnet-4-5");
  CHECK(s.permission_mode == "acceptEdits");
  CHECK_FALSE(s.partial);
  auto argv = cli_argv(s);
  CHECK(argv.front() == "/opt/claude");
  CHECK(std::find(argv.begin(), argv.end(), "--include-partial-messages") == argv.end());
  CHECK(cli_settings(env, "claude-haiku-4-5").model == "claude-haiku-4-5");

  for (const char* off : {"false", "NO", "0"})
    CHECK_FALSE(cli_settings(env_from({{"JCODE_CLAUDE_CLI_PARTIAL", off}}), "").partial);
  CHECK(cli_settings(env_from({{"JCODE_CLAUDE_CLI_PARTIAL", "1"}}), "").partial);
  CHECK(cli_settings(env_from({{"JCODE_CLAUDE_CLI_PATH", ""}}), "").path == "claude");

  CliSettings bad = cli_settings(env_from({{"JCODE_CLAUDE_CLI_MODEL", "--dangerously-skip"}}), "");
  CHECK(has(bad.error, "JCODE_CLAUDE_CLI_MODEL"));
  bad = cli_settings(env_from({{"JCODE_CLAUDE_CLI_PERMISSION_MODE", "a b"}}), "");
  CHECK(has(bad.error, "JCODE_CLAUDE_CLI_PERMISSION_MODE"));

  CHECK(cli_session_requested("1"));
  CHECK_FALSE(cli_session_requested("true"));
  CHECK_FALSE(cli_session_requested("0"));
  CHECK_FALSE(cli_session_requested(""));
}

TEST_CASE("stdin: one stream-json user line with the system text and the last user message") {
  CliInput in = cli_input(R"({"system":"Be brief.","messages":[
      {"role":"user","content":"first"},
      {"role":"assistant","content":[{"type":"text","text":"ok"}]},
      {"role":"user","content":[{"type":"text","text":"second"},{"type":"text","text":"part"}]}]})");
  REQUIRE(in.error.empty());
  REQUIRE(in.stdin_data.back() == '\n');
  CHECK(std::count(in.stdin_data.begin(), in.stdin_data.end(), '\n') == 1);
  auto j = nlohmann::json::parse(in.stdin_data);
  CHECK(j["type"] == "user");
  CHECK(j["message"]["role"] == "user");
  CHECK(j["message"]["content"][0]["text"] == "Be brief.");
  CHECK(j["message"]["content"][1]["text"] == "second\n\npart");

  CHECK(nlohmann::json::parse(cli_input(R"({"messages":[{"role":"user","content":"x"}]})").stdin_data)["message"]["content"].size() == 1);
  CHECK_FALSE(cli_input("[]").error.empty());
  CHECK_FALSE(cli_input(R"({"messages":[{"role":"assistant","content":"x"}]})").error.empty());
  CHECK(has(cli_input(R"({"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]}]})").error,
            "text only"));
}

TEST_CASE("partial run: text deltas once, turns separated, no tool calls, one usage and stop") {
  for (size_t chunk : {size_t(1), size_t(13), size_t(4096)}) {
    CAPTURE(chunk);
    auto p = parse(partial_run(), chunk);
    REQUIRE(p->feed_status == JCODE_OK);
    REQUIRE(p->finish_status == JCODE_OK);
    CHECK(p->parser->got_result());
    CHECK_FALSE(p->parser->result_is_error());
    CHECK(p->ev.text == "Let me look.\n\nThere is a.txt.");
    CHECK(p->ev.thinking == "hmm");
    CHECK(p->ev.model == "claude-opus-4-5-20251101");
    CHECK(p->ev.count(JCODE_EVENT_MODEL) == 1);
    CHECK(p->ev.count(JCODE_EVENT_TOOL_CALL_START) == 0);
    CHECK(p->ev.count(JCODE_EVENT_TOOL_CALL_DELTA) == 0);
    CHECK(p->ev.count(JCODE_EVENT_TOOL_CALL_END) == 0);
    CHECK(p->ev.count(JCODE_EVENT_USAGE) == 1);
    CHECK(p->ev.count(JCODE_EVENT_STOP) == 1);
    CHECK(p->ev.types.back() == JCODE_EVENT_STOP);
    CHECK(p->ev.stop == "end_turn");
    CHECK(p->ev.input_tokens == 29);
    CHECK(p->ev.output_tokens == 10);
    CHECK(p->ev.cache_read == 5);
    CHECK(p->ev.cache_write == 2);
    CHECK(p->parser->session_id() == "s1");
  }
}

TEST_CASE("plain run: assistant messages give the text; blocks of one message are not separated") {
  auto p = parse(plain_run(), 5);
  REQUIRE(p->finish_status == JCODE_OK);
  CHECK(p->ev.text == "Let me look.\n\nDone now.");
  CHECK(p->ev.model == "claude-m");
  CHECK(p->ev.count(JCODE_EVENT_TOOL_CALL_START) == 0);
  CHECK(p->ev.stop == "end_turn");
  CHECK(p->ev.output_tokens == 2);
}

TEST_CASE("a result alone still answers; noise lines are skipped and remembered") {
  auto p = parse("Update available!\n\n{\"type\":\"result\",\"subtype\":\"success\",\"result\":\"Only this\"}\n", 64);
  CHECK(p->ev.text == "Only this");
  CHECK(p->parser->last_noise() == "Update available!");
  CHECK(p->ev.stop == "end_turn");
  CHECK(p->ev.input_tokens == 0);
}

TEST_CASE("error results and exits become clear failures") {
  auto auth = parse(R"({"type":"result","subtype":"success","is_error":true,"result":"Invalid API key · Please run /login"})", 100);
  CHECK(auth->parser->result_is_error());
  CHECK(auth->ev.count(JCODE_EVENT_STOP) == 0);
  CliFailure f = classify_cli_failure(*auth->parser, 1, "", "claude");
  CHECK(f.status == JCODE_E_AUTH_REQUIRED);
  CHECK(has(f.message, "Please run /login"));
  CHECK(has(f.message, "JCODE_USE_CLAUDE_CLI"));

  auto turns = parse(R"({"type":"result","subtype":"error_max_turns","is_error":true})", 100);
  f = classify_cli_failure(*turns->parser, 0, "", "claude");
  CHECK(f.status == JCODE_E_SERVER);
  CHECK(has(f.message, "error_max_turns"));

  auto exec = parse(R"({"type":"result","subtype":"error_during_execution","is_error":true,"errors":["boom"]})", 100);
  CHECK(exec->parser->error() == "boom (error_during_execution)");

  auto none = parse("", 1);
  f = classify_cli_failure(*none->parser, 2, "line one\nError: cannot start\n\n", "/x/claude");
  CHECK(f.status == JCODE_E_SERVER);
  CHECK(has(f.message, "/x/claude"));
  CHECK(has(f.message, "status 2"));
  CHECK(has(f.message, "Error: cannot start"));
  f = classify_cli_failure(*none->parser, 2, std::string(5000, 'e') + "END", "claude");
  CHECK(has(f.message, "END"));
  CHECK(f.message.size() < 1200);
  f = classify_cli_failure(*none->parser, 0, "", "claude");
  CHECK(f.status == JCODE_E_PROTOCOL);
  CHECK(has(f.message, "JCODE_CLAUDE_CLI_PATH"));

  auto ok = parse(plain_run(), 100);
  CHECK(classify_cli_failure(*ok->parser, 0, "", "claude").status == JCODE_OK);
}

TEST_CASE("malformed wrapped events, oversized lines and a stopping sink end the parse") {
  auto bad = parse(R"({"type":"stream_event","event":{"type":"content_block_delta","delta":{}}})" "\n", 100);
  CHECK(bad->feed_status == JCODE_E_PROTOCOL);
  CHECK(has(bad->parser->error(), "content_block_delta"));

  CliStreamParser big([](const jcode_event&) { return JCODE_OK; });
  std::string chunk(1u << 20, 'x');
  jcode_status st = JCODE_OK;
  for (int i = 0; i < 17 && st == JCODE_OK; ++i) st = big.feed(chunk);
  CHECK(st == JCODE_E_PROTOCOL);
  CHECK(has(big.error(), "16 MiB"));

  Events ev;
  ev.answer = JCODE_E_CANCELLED;
  CliStreamParser stop([&ev](const jcode_event& e) { return ev.on(e); });
  CHECK(stop.feed(plain_run()) == JCODE_E_CANCELLED);
  CHECK(ev.types.size() == 1);
}

TEST_CASE("spawn glue: argv and stdin, no credential needed, warning once, failures named") {
  FakeHost fh;
  fh.env = {{"JCODE_USE_CLAUDE_CLI", "1"}, {"JCODE_CLAUDE_CLI_PATH", "/opt/fake-claude"}};
  fh.child_stdout = partial_run();
  CliTransport t;
  Events ev;
  jcode_event_sink sink = ev.sink();
  const std::string conv = R"({"system":"S","messages":[{"role":"user","content":"say hi"}]})";
  jcode_chat_request req = jcode::testing::chat(conv);
  REQUIRE(t.send(fh.host(), req, sink) == JCODE_OK);
  CHECK(fh.argv.front() == "/opt/fake-claude");
  CHECK(fh.argv.back() == "--include-partial-messages");
  CHECK(has(fh.stdin_data, "say hi"));
  CHECK(ev.text == "Let me look.\n\nThere is a.txt.");
  REQUIRE(fh.logs.size() == 1);
  CHECK(fh.logs[0].first == JCODE_LOG_WARN);
  CHECK(fh.logs[0].second == kCliDeprecation);

  REQUIRE(t.send(fh.host(), req, sink) == JCODE_OK);
  CHECK(fh.logs.size() == 1);  // warned once

  fh.child_stdout.clear();
  fh.child_stderr = "Traceback\nfatal: no tty\n";
  fh.child_exit = 7;
  CHECK(t.send(fh.host(), req, sink) == JCODE_E_SERVER);
  CHECK(has(fh.error_message, "status 7"));
  CHECK(has(fh.error_message, "fatal: no tty"));

  fh.spawn_status = JCODE_E_NOT_FOUND;
  CHECK(t.send(fh.host(), req, sink) == JCODE_E_NOT_FOUND);
  CHECK(has(fh.error_message, "JCODE_CLAUDE_CLI_PATH"));
  CHECK(has(fh.error_message, "/opt/fake-claude"));

  fh.env["JCODE_CLAUDE_CLI_PERMISSION_MODE"] = "-x";
  int before = fh.spawn_calls;
  CHECK(t.send(fh.host(), req, sink) == JCODE_E_INVALID_ARG);
  CHECK(fh.spawn_calls == before);
}

#ifdef FAKE_CLAUDE
// fake-claude.sh is what the lead's end-to-end test runs as JCODE_CLAUDE_CLI_PATH; its output
// must be what this parser understands, and its records what the transport sent.
TEST_CASE("fake-claude.sh: checks flags, records argv and stdin, prints a run this parser reads") {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/claude-cli-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const fs::path dir = tmpl;
  CliInput in = cli_input(R"({"messages":[{"role":"user","content":"say hi"}]})");
  { std::ofstream(dir / "in") << in.stdin_data; }

  auto run = [&](const std::string& env, bool partial, int& exit_code) {
    CliSettings s = cli_settings(env_from({}), "");
    s.partial = partial;
    std::string cmd = env + " FAKE_CLAUDE_ARGV_FILE='" + (dir / "argv").string() + "' FAKE_CLAUDE_STDIN_FILE='" +
                      (dir / "stdin").string() + "' sh '" FAKE_CLAUDE "'";
    auto argv = cli_argv(s);
    for (size_t i = 1; i < argv.size(); ++i) cmd += " '" + argv[i] + "'";
    cmd += " < '" + (dir / "in").string() + "' 2>'" + (dir / "err").string() + "'";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = pclose(p);
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
  };
  auto slurp = [](const fs::path& f) {
    std::ifstream s(f);
    std::stringstream ss;
    ss << s.rdbuf();
    return ss.str();
  };

  for (bool partial : {true, false}) {
    int code = -1;
    std::string out = run("FAKE_CLAUDE_TOOL=1", partial, code);
    CHECK(code == 0);
    auto p = parse(out, 17);
    CHECK(p->finish_status == JCODE_OK);
    CHECK(p->ev.text == "Let me look.\n\nHello from the fake Claude CLI.");
    CHECK(p->ev.count(JCODE_EVENT_TOOL_CALL_START) == 0);
    CHECK(p->ev.model == kCliDefaultModel);
    CHECK(classify_cli_failure(*p->parser, code, "", "fake").status == JCODE_OK);
    CHECK(slurp(dir / "stdin") == in.stdin_data);
    std::string argv = slurp(dir / "argv");
    CHECK(has(argv, "--output-format\nstream-json\n"));
    CHECK(has(argv, "--include-partial-messages") == partial);
  }

  int code = -1;
  std::string out = run("FAKE_CLAUDE_FAIL=1", true, code);
  CHECK(code == 3);
  auto failed = parse(out, 64);
  CliFailure f = classify_cli_failure(*failed->parser, code, slurp(dir / "err"), "fake");
  CHECK(f.status == JCODE_E_SERVER);
  CHECK(has(f.message, "simulated crash"));

  out = run("FAKE_CLAUDE_AUTH_FAIL=1", true, code);
  CHECK(code == 1);
  auto auth = parse(out, 64);
  CHECK(classify_cli_failure(*auth->parser, code, "", "fake").status == JCODE_E_AUTH_REQUIRED);

  fs::remove_all(dir);
}
#endif
