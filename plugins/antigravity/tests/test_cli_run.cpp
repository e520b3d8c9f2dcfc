// The shared CLI runner (plugins/support cli_print) as the Antigravity transport uses it:
// secrets only in the environment, text streamed, failures that name the tool and its setting.
#include <jcode/support/cli_print.hpp>
#include <jcode/testing/fake_host.hpp>

#include <doctest/doctest.h>

using jcode::support::cli::PrintCall;
using jcode::testing::Events;
using jcode::testing::FakeHost;

namespace {
PrintCall call_with_token(const std::string& token) {
  PrintCall c;
  c.label = "the Antigravity CLI";
  c.program = "antigravity";
  c.path_setting = "JCODE_ANTIGRAVITY_CLI_PATH";
  c.args = {"-p", "hello"};
  c.env = {{"ANTIGRAVITY_ACCESS_TOKEN", token}};
  c.secret_env = {"ANTIGRAVITY_ACCESS_TOKEN"};
  c.timeout_ms = 1000;
  return c;
}
}  // namespace

TEST_CASE("the answer streams as text; the token is in the environment, never argv") {
  FakeHost h;
  h.child_stdout = "line one\nline two\n";
  Events ev;
  auto sink = ev.sink();
  REQUIRE(jcode::support::cli::run_text(h.host(), call_with_token("ya29.secret-token"), sink) == JCODE_OK);
  CHECK(ev.text == "line one\nline two");
  CHECK(ev.stop == "end_turn");
  CHECK(h.argv == std::vector<std::string>{"antigravity", "-p", "hello"});
  REQUIRE(h.spawn_env.size() == 1);
  CHECK(h.spawn_env[0].second == "ya29.secret-token");
  CHECK(h.spawn_timeout_ms == 1000);
  CHECK(std::find(h.secrets.begin(), h.secrets.end(), "ya29.secret-token") != h.secrets.end());
}

TEST_CASE("a secret that would reach argv is refused before anything starts") {
  FakeHost h;
  PrintCall c = call_with_token("ya29.leak");
  c.args.push_back("--token=ya29.leak");
  Events ev;
  auto sink = ev.sink();
  CHECK(jcode::support::cli::run_text(h.host(), c, sink) == JCODE_E_INTERNAL);
  CHECK(h.spawn_calls == 0);
}

TEST_CASE("a missing CLI names the variable; a failure shows the end of stderr") {
  FakeHost h;
  h.spawn_status = JCODE_E_NOT_FOUND;
  Events ev;
  auto sink = ev.sink();
  CHECK(jcode::support::cli::run_text(h.host(), call_with_token("t0k3n-value"), sink) == JCODE_E_NOT_FOUND);
  CHECK(h.error_message.find("JCODE_ANTIGRAVITY_CLI_PATH") != std::string::npos);
  FakeHost f;
  f.child_stderr = "Error: not signed in\n";
  f.child_exit = 2;
  CHECK(jcode::support::cli::run_text(f.host(), call_with_token("t0k3n-value"), sink) == JCODE_E_SERVER);
  CHECK(f.error_message.find("status 2") != std::string::npos);
  CHECK(f.error_message.find("not signed in") != std::string::npos);
  FakeHost e;
  Events none;
  auto s2 = none.sink();
  CHECK(jcode::support::cli::run_text(e.host(), call_with_token("t0k3n-value"), s2) == JCODE_E_PROTOCOL);
}

TEST_CASE("a conversation becomes one prompt") {
  std::string err;
  CHECK(jcode::support::cli::flatten(R"({"messages":[{"role":"user","content":"hi"}]})", err) == "hi");
  std::string t = jcode::support::cli::flatten(
      R"({"system":"S","messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":"c"}]})",
      err);
  CHECK(err.empty());
  CHECK(t == "S\n\nUser: a\n\nAssistant: b\n\nUser: c\n\nAssistant:");
  jcode::support::cli::flatten("[]", err);
  CHECK_FALSE(err.empty());
}
