// jcode::http::Client against a cpp-httplib server on a loopback port chosen by the OS.
// (The unit test target does not carry jcode_httplib's compile definition, so it is
// repeated here to match the prebuilt library's ABI.)
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#include <httplib.h>

#include <jcode/http/client.hpp>
#include <jcode/log/log.hpp>

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace {

using namespace std::chrono_literals;
using jcode::Error;
using jcode::Status;
namespace http = jcode::http;

// Sets (or unsets) environment variables for one test and restores them after.
class EnvGuard {
 public:
  void set(const char* name, const char* value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name);
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~EnvGuard() {
    for (const auto& [k, v] : saved_) {
      if (v) {
        ::setenv(k.c_str(), v->c_str(), 1);
      } else {
        ::unsetenv(k.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

// No proxy from the developer's environment may redirect the loopback traffic of tests.
void clear_proxies(EnvGuard& env) {
  for (const char* n : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                        "ALL_PROXY", "no_proxy", "NO_PROXY"}) {
    env.set(n, nullptr);
  }
}

class TestServer {
 public:
  httplib::Server svr;
  int port = 0;

  void start() {
    port = svr.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    // Connections queue in the backlog from here on, so no readiness wait is needed.
    thread_ = std::thread([this] { svr.listen_after_bind(); });
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  ~TestServer() {
    svr.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

// A port nothing listens on: bound by the OS, then released.
int dead_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct Recorder {
  std::vector<std::string> order;  // "status", "body", "event"
  int status = 0;
  http::Headers headers;
  std::string body;
  std::vector<std::pair<std::string, std::string>> events;

  http::ResponseHandler handler() {
    http::ResponseHandler h;
    h.on_status = [this](int s, const http::Headers& hs) -> Status {
      order.push_back("status");
      status = s;
      headers = hs;
      return {};
    };
    h.on_body = [this](std::string_view b) -> Status {
      if (order.empty() || order.back() != "body") order.push_back("body");
      body.append(b);
      return {};
    };
    h.on_event = [this](std::string_view e, std::string_view d) -> Status {
      order.push_back("event");
      events.emplace_back(std::string(e), std::string(d));
      return {};
    };
    return h;
  }
};

http::ClientOptions no_wait_options(std::vector<std::chrono::milliseconds>* sleeps) {
  http::ClientOptions o;
  o.sleep = [sleeps](std::chrono::milliseconds d) { sleeps->push_back(d); };
  return o;
}

}  // namespace

TEST_CASE("http: status, headers and body arrive in order; default and custom User-Agent") {
  EnvGuard env;
  clear_proxies(env);
  TestServer s;
  std::string seen_ua, seen_body, seen_ct;
  s.svr.Get("/hello", [&](const httplib::Request& req, httplib::Response& res) {
    seen_ua = req.get_header_value("User-Agent");
    res.set_header("X-Test", "value 1");
    res.set_content("hi there", "text/plain");
  });
  s.svr.Post("/echo", [&](const httplib::Request& req, httplib::Response& res) {
    seen_ua = req.get_header_value("User-Agent");
    seen_ct = req.get_header_value("Content-Type");
    seen_body = req.body;
    res.status = 201;
    res.set_content("{\"ok\":true}", "application/json");
  });
  s.start();

  http::Client client;
  Recorder r;
  http::Request req;
  req.url = s.url("/hello?q=1");
  auto res = client.perform(req, r.handler());
  REQUIRE(res);
  CHECK(*res == 200);
  CHECK(r.status == 200);
  CHECK(r.order == std::vector<std::string>{"status", "body"});
  CHECK(r.body == "hi there");
  REQUIRE(http::find_header(r.headers, "x-test"));
  CHECK(*http::find_header(r.headers, "X-TEST") == "value 1");
  CHECK(seen_ua.rfind("jcode/", 0) == 0);

  // Same client, second request (connection reuse), POST with a custom User-Agent.
  http::Request post;
  post.method = "POST";
  post.url = s.url("/echo");
  post.headers = {{"Content-Type", "application/json"}, {"User-Agent", "claude-cli/1.0.0"}};
  post.body = std::string(100000, 'x');
  auto f = client.fetch(post);
  REQUIRE(f);
  CHECK(f->status == 201);
  CHECK(f->body == "{\"ok\":true}");
  CHECK(seen_ua == "claude-cli/1.0.0");
  CHECK(seen_ct == "application/json");
  CHECK(seen_body == post.body);
}

TEST_CASE("http: SSE events are delivered while the stream is still open") {
  EnvGuard env;
  clear_proxies(env);
  TestServer s;
  std::mutex mu;
  std::condition_variable cv;
  bool client_got_first = false;
  bool server_saw_ack = false;
  s.svr.Get("/stream", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/event-stream", [&](size_t, httplib::DataSink& sink) {
      const std::string first = "event: a\ndata: {\"n\":1}\n\n";
      sink.write(first.data(), first.size());
      {
        // The rest is only sent once the client has seen the first event: if the client
        // buffered the body, this waits out its bound and the test fails.
        std::unique_lock lock(mu);
        server_saw_ack = cv.wait_for(lock, 10s, [&] { return client_got_first; });
      }
      const std::string rest = ": ping\n\nevent: b\r\ndata: x\r\ndata: y\r\n\r\n";
      sink.write(rest.data(), rest.size());
      sink.done();
      return true;
    });
  });
  s.start();

  http::Client client;
  std::vector<std::pair<std::string, std::string>> events;
  http::ResponseHandler h;
  int status = 0;
  h.on_status = [&](int st, const http::Headers&) -> Status {
    status = st;
    return {};
  };
  h.on_event = [&](std::string_view e, std::string_view d) -> Status {
    events.emplace_back(std::string(e), std::string(d));
    if (events.size() == 1) {
      std::lock_guard lock(mu);
      client_got_first = true;
      cv.notify_all();
    }
    return {};
  };
  h.on_body = [&](std::string_view) -> Status { return Error{JCODE_E_INTERNAL, "no raw body expected"}; };
  http::Request req;
  req.url = s.url("/stream");
  req.flags = http::SSE;
  auto res = client.perform(req, h);
  REQUIRE(res);
  CHECK(status == 200);
  CHECK(server_saw_ack);
  REQUIRE(events.size() == 2);
  CHECK(events[0] == std::pair<std::string, std::string>{"a", "{\"n\":1}"});
  CHECK(events[1] == std::pair<std::string, std::string>{"b", "x\ny"});
}

TEST_CASE("http: with the SSE flag a non-2xx body is raw bytes, not events") {
  EnvGuard env;
  clear_proxies(env);
  TestServer s;
  s.svr.Get("/err", [](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content("data: not an event\n\n", "text/event-stream");
  });
  s.start();
  http::Client client;
  Recorder r;
  http::Request req;
  req.url = s.url("/err");
  req.flags = http::SSE | http::RETRY;
  auto res = client.perform(req, r.handler());
  REQUIRE(res);
  CHECK(*res == 400);
  CHECK(r.events.empty());
  CHECK(r.body == "data: not an event\n\n");
}

TEST_CASE("http: 429 with Retry-After: 0 is retried until 200; status seen once") {
  EnvGuard env;
  clear_proxies(env);
  TestServer s;
  std::atomic<int> calls{0};
  s.svr.Post("/busy", [&](const httplib::Request& req, httplib::Response& res) {
    const int n = ++calls;
    CHECK(req.body == "payload");  // the body is sent again on every attempt
    if (n <= 2) {
      res.status = 429;
      res.set_header("Retry-After", "0");
      res.set_content("{\"error\":\"rate limited\"}", "application/json");
    } else {
      res.set_content("done", "text/plain");
    }
  });
  s.svr.Get("/unavailable", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 503;
    res.set_content("down", "text/plain");
  });
  s.svr.Get("/ms", [&](const httplib::Request&, httplib::Response& res) {
    if (++calls == 1) {
      res.status = 529;
      res.set_header("retry-after-ms", "250");
      res.set_header("Retry-After", "9");
    } else {
      res.set_content("ok", "text/plain");
    }
  });
  s.svr.Get("/far", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 429;
    res.set_header("Retry-After", "3600");
    res.set_content("come back later", "text/plain");
  });
  s.start();

  std::vector<std::chrono::milliseconds> sleeps;
  http::Client client(no_wait_options(&sleeps));

  SUBCASE("Retry-After: 0 twice, then 200") {
    Recorder r;
    http::Request req;
    req.method = "POST";
    req.url = s.url("/busy");
    req.body = "payload";
    req.flags = http::RETRY;
    auto res = client.perform(req, r.handler());
    REQUIRE(res);
    CHECK(*res == 200);
    CHECK(calls == 3);
    CHECK(r.order == std::vector<std::string>{"status", "body"});
    CHECK(r.body == "done");  // the 429 bodies never reached the caller
    CHECK(sleeps == std::vector<std::chrono::milliseconds>{0ms, 0ms});
  }
  SUBCASE("without the RETRY flag the 429 is returned as is") {
    Recorder r;
    http::Request req;
    req.method = "POST";
    req.url = s.url("/busy");
    req.body = "payload";
    auto res = client.perform(req, r.handler());
    REQUIRE(res);
    CHECK(*res == 429);
    CHECK(calls == 1);
    CHECK(r.body == "{\"error\":\"rate limited\"}");
    CHECK(sleeps.empty());
  }
  SUBCASE("503 without Retry-After: capped exponential backoff with jitter, then given up") {
    Recorder r;
    http::Request req;
    req.url = s.url("/unavailable");
    req.flags = http::RETRY;
    auto res = client.perform(req, r.handler());
    REQUIRE(res);
    CHECK(*res == 503);
    CHECK(calls == 4);  // 1 + max_retries (3)
    CHECK(r.body == "down");
    CHECK(r.order == std::vector<std::string>{"status", "body"});
    REQUIRE(sleeps.size() == 3);
    for (size_t i = 0; i < sleeps.size(); ++i) {
      const auto full = 500ms * (1 << i);
      CHECK(sleeps[i] >= full / 2);
      CHECK(sleeps[i] <= full);
    }
  }
  SUBCASE("retry-after-ms wins over Retry-After") {
    http::Request req;
    req.url = s.url("/ms");
    req.flags = http::RETRY;
    auto res = client.fetch(req);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(sleeps == std::vector<std::chrono::milliseconds>{250ms});
  }
  SUBCASE("a Retry-After beyond the cap is not waited for") {
    Recorder r;
    http::Request req;
    req.url = s.url("/far");
    req.flags = http::RETRY;
    auto res = client.perform(req, r.handler());
    REQUIRE(res);
    CHECK(*res == 429);
    CHECK(calls == 1);
    CHECK(sleeps.empty());
    CHECK(r.body == "come back later");
    REQUIRE(http::find_header(r.headers, "retry-after"));
  }
}

TEST_CASE("http: no retry once body bytes were delivered") {
  EnvGuard env;
  clear_proxies(env);
  TestServer s;
  std::atomic<int> calls{0};
  s.svr.Get("/cut", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.set_chunked_content_provider("text/event-stream", [](size_t, httplib::DataSink& sink) {
      const std::string first = "data: 1\n\n";
      sink.write(first.data(), first.size());
      return false;  // the server drops the connection mid-stream
    });
  });
  s.start();
  std::vector<std::chrono::milliseconds> sleeps;
  http::Client client(no_wait_options(&sleeps));
  Recorder r;
  http::Request req;
  req.url = s.url("/cut");
  req.flags = http::RETRY | http::SSE;
  auto res = client.perform(req, r.handler());
  REQUIRE_FALSE(res);
  CHECK(res.status() == JCODE_E_NETWORK);
  CHECK(calls == 1);
  CHECK(sleeps.empty());
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0].second == "1");
}

TEST_CASE("http: an error returned by a callback aborts and is returned unchanged") {
  EnvGuard env;
  clear_proxies(env);
  TestServer s;
  s.svr.Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1 << 20, 'z'), "application/octet-stream");
  });
  s.svr.Get("/small", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  s.start();
  http::Client client;
  size_t got = 0;
  int body_calls = 0;
  http::ResponseHandler h;
  h.on_body = [&](std::string_view b) -> Status {
    got += b.size();
    ++body_calls;
    return Error{JCODE_E_DENIED, "caller says stop"};
  };
  http::Request req;
  req.url = s.url("/big");
  auto res = client.perform(req, h);
  REQUIRE_FALSE(res);
  CHECK(res.status() == JCODE_E_DENIED);
  CHECK(res.error().message == "caller says stop");
  CHECK(body_calls == 1);
  CHECK(got < (1u << 20));

  // on_status can refuse too, before any body byte.
  http::ResponseHandler h2;
  h2.on_status = [](int, const http::Headers&) -> Status { return Error{JCODE_E_AUTH_EXPIRED, "401"}; };
  h2.on_body = [&](std::string_view) -> Status {
    FAIL("body after a refused status");
    return {};
  };
  auto res2 = client.perform(req, h2);
  CHECK(res2.status() == JCODE_E_AUTH_EXPIRED);

  // The client stays usable after an aborted transfer.
  http::Request small = req;
  small.url = s.url("/small");
  auto res3 = client.fetch(small);
  REQUIRE(res3);
  CHECK(res3->body == "ok");
}

TEST_CASE("http: a stalled stream ends with a timeout after the idle limit") {
  EnvGuard env;
  clear_proxies(env);
  TestServer s;
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  s.svr.Get("/stall", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/event-stream", [&](size_t, httplib::DataSink& sink) {
      const std::string first = "data: 1\n\n";
      sink.write(first.data(), first.size());
      std::unique_lock lock(mu);
      cv.wait_for(lock, 20s, [&] { return release; });
      return false;
    });
  });
  s.start();
  http::Client client;
  Recorder r;
  http::Request req;
  req.url = s.url("/stall");
  req.flags = http::SSE | http::RETRY;
  req.idle_timeout = 300ms;
  const auto t0 = std::chrono::steady_clock::now();
  auto res = client.perform(req, r.handler());
  const auto took = std::chrono::steady_clock::now() - t0;
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  REQUIRE_FALSE(res);
  CHECK(res.status() == JCODE_E_TIMEOUT);
  CHECK(res.error().message.find("/stall") != std::string::npos);
  CHECK(r.events.size() == 1);
  CHECK(took >= 300ms);
  CHECK(took < 5s);
}

TEST_CASE("http: plain http only to loopback; bad URLs and headers are refused up front") {
  http::Client client;
  http::Request req;
  req.url = "http://example.com/token?code=SECRETCODE";
  auto res = client.perform(req, {});
  REQUIRE_FALSE(res);
  CHECK(res.status() == JCODE_E_INVALID_ARG);
  CHECK(res.error().message.find("example.com") != std::string::npos);
  CHECK(res.error().message.find("SECRETCODE") == std::string::npos);

  req.url = "ftp://127.0.0.1/x";
  CHECK(client.perform(req, {}).status() == JCODE_E_INVALID_ARG);
  req.url = "not a url";
  CHECK(client.perform(req, {}).status() == JCODE_E_INVALID_ARG);

  req.url = "https://127.0.0.1:1/x";
  req.headers = {{"X-Evil", "a\r\nInjected: yes"}};
  auto bad = client.perform(req, {});
  CHECK(bad.status() == JCODE_E_INVALID_ARG);
  CHECK(bad.error().message.find("X-Evil") != std::string::npos);
  req.headers = {{"Bad Name", "v"}};
  CHECK(client.perform(req, {}).status() == JCODE_E_INVALID_ARG);

  CHECK(http::check_url("http://localhost:8080/cb"));
  CHECK(http::check_url("http://127.0.0.5/x"));
  CHECK(http::check_url("http://[::1]:9/x"));
  CHECK(http::check_url("https://api.anthropic.com/v1/messages"));
  CHECK_FALSE(http::check_url("http://10.0.0.1/x"));
  // The instance-metadata address is plain http by design (managed identity); other
  // link-local addresses are not.
  CHECK(http::check_url("http://169.254.169.254/metadata/identity/oauth2/token"));
  CHECK_FALSE(http::check_url("http://169.254.1.1/x"));
  CHECK_FALSE(http::check_url("http://localhost.evil.com/x"));
  CHECK(http::is_loopback_host("app.localhost"));
  CHECK_FALSE(http::is_loopback_host("128.0.0.1"));
}

TEST_CASE("http: connection failures name the URL without its query, after the retries") {
  EnvGuard env;
  clear_proxies(env);
  std::vector<std::chrono::milliseconds> sleeps;
  http::Client client(no_wait_options(&sleeps));
  http::Request req;
  const int port = dead_port();
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/oauth/token?refresh_token=SECRET";
  req.flags = http::RETRY;
  auto res = client.perform(req, {});
  REQUIRE_FALSE(res);
  CHECK(res.status() == JCODE_E_NETWORK);
  const std::string& msg = res.error().message;
  CHECK(msg.rfind("could not connect to http://127.0.0.1:" + std::to_string(port) + "/oauth/token: ", 0) == 0);
  CHECK(msg.find("SECRET") == std::string::npos);
  CHECK(sleeps.size() == 3);
}

TEST_CASE("http: cancellation stops waiting") {
  http::ClientOptions o;
  o.cancelled = [] { return true; };
  http::Client client(o);
  http::Request req;
  req.url = "https://127.0.0.1:1/";
  CHECK(client.perform(req, {}).status() == JCODE_E_CANCELLED);
}

TEST_CASE("http: proxies from the environment are used, and NO_PROXY exempts loopback") {
  EnvGuard env;
  clear_proxies(env);
  TestServer s;
  s.svr.Get("/direct", [](const httplib::Request&, httplib::Response& res) { res.set_content("direct", "text/plain"); });
  s.start();
  const std::string proxy = "http://127.0.0.1:" + std::to_string(dead_port());
  http::Request req;
  req.url = s.url("/direct");

  env.set("http_proxy", proxy.c_str());
  {
    http::Client client;
    auto res = client.fetch(req);
    REQUIRE_FALSE(res);  // the (dead) proxy was used: libcurl honours http_proxy
    CHECK(res.status() == JCODE_E_NETWORK);
  }
  env.set("NO_PROXY", "localhost,127.0.0.1");
  {
    http::Client client;
    auto res = client.fetch(req);
    REQUIRE(res);
    CHECK(res->body == "direct");
  }
}

TEST_CASE("http: Retry-After parsing") {
  using std::chrono::milliseconds;
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(http::parse_retry_after("120", "", now) == milliseconds(120000));
  CHECK(http::parse_retry_after(" 0 ", "", now) == milliseconds(0));
  CHECK(http::parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", "", now) == milliseconds(10000));
  CHECK(http::parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", "", now) == milliseconds(0));
  CHECK(http::parse_retry_after("5", "1500", now) == milliseconds(1500));
  CHECK(http::parse_retry_after("5", "1500.7", now) == milliseconds(1500));
  CHECK(http::parse_retry_after("5", "junk", now) == milliseconds(5000));
  CHECK_FALSE(http::parse_retry_after("soon", "", now));
  CHECK_FALSE(http::parse_retry_after("-3", "", now));
  CHECK_FALSE(http::parse_retry_after("", "", now));
}

TEST_CASE("http: display_url drops userinfo, query and fragment") {
  CHECK(http::display_url("https://user:pw@api.example.com:8443/v1/x?key=SECRET#frag") ==
        "https://api.example.com:8443/v1/x");
  CHECK(http::display_url("https://api.example.com") == "https://api.example.com/");
  CHECK(http::display_url("garbage?token=SECRET") == "garbage");
  CHECK(http::is_sensitive_header("AUTHORIZATION"));
  CHECK(http::is_sensitive_header("x-api-key"));
  CHECK(http::is_sensitive_header("Cookie"));
  CHECK_FALSE(http::is_sensitive_header("content-type"));
}

TEST_CASE("http: debug logging never shows credential headers, query secrets or bodies") {
  EnvGuard env;
  clear_proxies(env);
  TestServer s;
  std::string seen_auth;
  s.svr.Post("/v1/messages", [&](const httplib::Request& req, httplib::Response& res) {
    seen_auth = req.get_header_value("Authorization");
    res.set_content("{\"access_token\":\"at-RESPONSE-SECRET-1234\"}", "application/json");
  });
  s.start();

  std::vector<std::string> lines;
  auto& logger = jcode::log::Logger::global();
  const auto old_level = logger.max_level();
  logger.set_max_level(jcode::log::Level::debug);
  logger.set_sink([&](jcode::log::Level, std::string_view line) { lines.emplace_back(line); });

  http::Client client;
  http::Request req;
  req.method = "POST";
  req.url = s.url("/v1/messages?key=QUERY-SECRET-5678");
  req.headers = {{"Authorization", "Bearer AUTH-SECRET-abcdef123456"},
                 {"x-api-key", "APIKEY-SECRET-987654"},
                 {"Cookie", "session=COOKIE-SECRET-13579"},
                 {"anthropic-version", "2023-06-01"}};
  req.body = "{\"refresh_token\":\"BODY-SECRET-24680\"}";
  auto res = client.fetch(req);

  logger.set_sink(nullptr);
  logger.set_max_level(old_level);

  REQUIRE(res);
  CHECK(seen_auth == "Bearer AUTH-SECRET-abcdef123456");  // sent, just never logged
  REQUIRE_FALSE(lines.empty());
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  CHECK(all.find("/v1/messages") != std::string::npos);
  CHECK(all.find("anthropic-version: 2023-06-01") != std::string::npos);
  CHECK(all.find("Authorization") != std::string::npos);  // the name, with its value hidden
  for (const char* secret : {"AUTH-SECRET", "APIKEY-SECRET", "COOKIE-SECRET", "QUERY-SECRET",
                             "BODY-SECRET", "RESPONSE-SECRET"}) {
    CAPTURE(secret);
    CHECK(all.find(secret) == std::string::npos);
  }
}
