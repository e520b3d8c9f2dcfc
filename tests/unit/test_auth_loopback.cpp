// jcode::auth::LoopbackListener against real sockets on 127.0.0.1.
#include <jcode/auth/loopback.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "../auth/support/auth_test_support.hpp"

using namespace jcode::auth;
using namespace std::chrono_literals;
using jcode::test::raw_get;

namespace {
std::unique_ptr<LoopbackListener> start(LoopbackOptions o) {
  auto l = LoopbackListener::start(o);
  REQUIRE(l.ok());
  return std::move(*l);
}
LoopbackOptions engine(std::string state = "st4te") {
  LoopbackOptions o;
  o.path = "/callback";
  o.expected_state = std::move(state);
  return o;
}
}  // namespace

TEST_CASE("loopback: the bound socket serves and the redirect URI names its port") {
  auto l = start(engine());
  CHECK(l->port() != 0);
  CHECK(l->redirect_uri() == "http://localhost:" + std::to_string(l->port()) + "/callback");
  auto r = raw_get(l->port(), "/callback?code=C1&state=st4te");
  CHECK(r.status == 200);
  CHECK(r.text.find("Success") != std::string::npos);
  auto got = l->wait(2s);
  REQUIRE(got.ok());
  CHECK(got->params.code == "C1");
  CHECK(got->query == "code=C1&state=st4te");
}

TEST_CASE("loopback: other paths 404, wrong or missing state 400, and none of them end the wait") {
  auto l = start(engine());
  CHECK(raw_get(l->port(), "/favicon.ico").status == 404);
  CHECK(raw_get(l->port(), "/callback?code=C&state=wrong").status == 400);
  CHECK(raw_get(l->port(), "/callback?code=C").status == 400);
  CHECK(raw_get(l->port(), "/callback?state=st4te").status == 400);
  CHECK(l->wait(50ms).status() == JCODE_E_TIMEOUT);
  CHECK(raw_get(l->port(), "/callback?code=REAL&state=st4te").status == 200);
  auto got = l->wait(2s);
  REQUIRE(got.ok());
  CHECK(got->params.code == "REAL");
}

TEST_CASE("loopback: a second callback never replaces the first") {
  auto l = start(engine());
  CHECK(raw_get(l->port(), "/callback?code=FIRST&state=st4te").status == 200);
  auto again = raw_get(l->port(), "/callback?code=SECOND&state=st4te");
  CHECK(again.status == 200);
  CHECK(again.text.find("already") != std::string::npos);
  auto got = l->wait(1s);
  REQUIRE(got.ok());
  CHECK(got->params.code == "FIRST");
  CHECK_FALSE(l->deliver(LoopbackResult{{"PASTED", "st4te", "", ""}, ""}));
}

TEST_CASE("loopback: error= with our state ends the login; the page echoes nothing") {
  auto l = start(engine());
  auto r = raw_get(l->port(), "/callback?error=access_denied&error_description=%3Cscript%3E&state=st4te");
  CHECK(r.status == 400);
  CHECK(r.text.find("<script>") == std::string::npos);
  CHECK(r.text.find("Location:") == std::string::npos);
  auto got = l->wait(1s);
  CHECK(got.status() == JCODE_E_DENIED);
  CHECK(got.error().message.find("access_denied") != std::string::npos);
}

TEST_CASE("loopback: a busy fixed port fails at once, naming the port") {
  jcode::test::BusyPort busy;
  auto o = engine();
  o.port = busy.port();
  auto t0 = std::chrono::steady_clock::now();
  auto l = LoopbackListener::start(o);
  auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE_FALSE(l.ok());
  CHECK(l.status() == JCODE_E_IO);
  CHECK(l.error().message.find(std::to_string(busy.port())) != std::string::npos);
  CHECK(took < 1s);
}

TEST_CASE("loopback: a free fixed port is used as is, and close releases it") {
  uint16_t port;
  {
    jcode::test::BusyPort probe;  // learn a free port, then free it
    port = probe.port();
  }
  auto o = engine();
  o.port = port;
  o.host = "127.0.0.1";
  o.path = "/auth/callback";
  auto l = start(o);
  CHECK(l->redirect_uri() == "http://127.0.0.1:" + std::to_string(port) + "/auth/callback");
  l->close();
  CHECK(raw_get(port, "/auth/callback").status == 0);  // nothing listens any more
  auto again = LoopbackListener::start(o);
  CHECK(again.ok());
}

TEST_CASE("loopback: deliver() from a paste completes the wait; cancel and timeout end it") {
  auto l = start(engine());
  std::thread paste([&] { CHECK(l->deliver(LoopbackResult{{"PASTED", "st4te", "", ""}, ""})); });
  auto got = l->wait(5s);
  paste.join();
  REQUIRE(got.ok());
  CHECK(got->params.code == "PASTED");
  CHECK(raw_get(l->port(), "/callback?code=LATE&state=st4te").text.find("already") != std::string::npos);

  auto c = start(engine());
  CHECK(c->wait(5s, [] { return true; }).status() == JCODE_E_CANCELLED);
  auto t = start(engine());
  CHECK(t->wait(20ms).status() == JCODE_E_TIMEOUT);
}

TEST_CASE("loopback: raw mode hands the query to the caller (host->loopback_wait)") {
  LoopbackOptions o;
  o.path = "/oauth2callback";
  auto l = start(o);
  CHECK(raw_get(l->port(), "/oauth2callback").status == 400);
  CHECK(raw_get(l->port(), "/oauth2callback?code=a%2Fb&state=q").status == 200);
  auto got = l->wait(1s);
  REQUIRE(got.ok());
  CHECK(got->query == "code=a%2Fb&state=q");
  CHECK(got->params.code == "a/b");
}

TEST_CASE("loopback: invalid options are refused") {
  LoopbackOptions o;
  o.host = "0.0.0.0";
  CHECK(LoopbackListener::start(o).status() == JCODE_E_INVALID_ARG);
  o.host = "localhost";
  o.path = "callback";
  CHECK(LoopbackListener::start(o).status() == JCODE_E_INVALID_ARG);
}
