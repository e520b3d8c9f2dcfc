// The call wrappers: C++ values in, C structs across, statuses and messages back.
#include "support.hpp"

using namespace jcode::test;
using jcode::model::Credential;
using jcode::model::CredentialKind;

namespace {

struct Loaded {
  TempDir tmp;
  FakeHost host;
  Registry reg{host};
  Plugin* plugin = nullptr;

  explicit Loaded(const std::string& id) {
    auto dir = tmp.dir("plugins");
    install(dir, id);
    reg.discover(dirs({dir}));
    auto p = reg.instance(id);
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().message));
    plugin = *p;
  }
  const jcode::model::SourceDecl& source(const char* id) { return *plugin->info().source(id); }
};

}  // namespace

TEST_CASE("call_parse: a credential, a decline, a malformed source") {
  Loaded f("fixture");
  auto cred = f.plugin->call_parse(f.source("fixture_auth"), "token=abc123\n");
  REQUIRE(cred.ok());
  CHECK(cred->kind == CredentialKind::oauth);
  CHECK(cred->access_token == "abc123");
  CHECK(cred->email == "user@fixture.example");
  CHECK(cred->expires_at_ms == 4102444800000LL);
  CHECK(cred->source_id == "fixture_auth");  // the host's, not the plugin's "ignored-by-host"

  auto key = f.plugin->call_parse(f.source("fixture_env"), "sk-live");
  REQUIRE(key.ok());
  CHECK(key->kind == CredentialKind::api_key);

  auto none = f.plugin->call_parse(f.source("fixture_auth"), "");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().status == JCODE_E_DECLINE);

  auto bad = f.plugin->call_parse(f.source("fixture_auth"), "bad json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().status == JCODE_E_PROTOCOL);
  CHECK(bad.error().message == "provider 'fixture': fixture: malformed content");

  jcode::model::SourceDecl foreign;
  foreign.id = "not_declared";
  auto unknown = f.plugin->call_parse(foreign, "x");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().status == JCODE_E_INVALID_ARG);
  CHECK(unknown.error().message.find("declares no source 'not_declared'") != std::string::npos);
}

TEST_CASE("call_serialize and call_resolve") {
  Loaded f("fixture");
  Credential c;
  c.access_token = "tok-1";
  auto out = f.plugin->call_serialize(f.source("fixture_auth"), "", &c);
  REQUIRE(out.ok());
  CHECK(*out == "token=tok-1\n");
  auto removed = f.plugin->call_serialize(f.source("fixture_auth"), "token=tok-1\n", nullptr);
  REQUIRE(removed.ok());
  CHECK(removed->empty());

  auto declined = f.plugin->call_resolve(f.source("fixture_chain"));
  REQUIRE_FALSE(declined.ok());
  CHECK(declined.error().status == JCODE_E_DECLINE);

  f.host.env["FIXTURE_TOKEN"] = "bearer-from-env";
  auto resolved = f.plugin->call_resolve(f.source("fixture_chain"));
  REQUIRE(resolved.ok());
  CHECK(resolved->kind == CredentialKind::bearer);
  CHECK(resolved->access_token == "bearer-from-env");
  CHECK(resolved->source_id == "fixture_chain");
  REQUIRE(f.host.secrets.size() == 1);
  CHECK(f.host.secrets[0] == "bearer-from-env");
}

TEST_CASE("call_token_response keeps the previous refresh token; call_after_login enriches") {
  Loaded f("fixture");
  auto fresh = f.plugin->call_token_response(R"({"access_token":"a1","refresh_token":"r1"})", nullptr);
  REQUIRE(fresh.ok());
  CHECK(fresh->access_token == "a1");
  CHECK(fresh->refresh_token == "r1");

  auto refreshed = f.plugin->call_token_response(R"({"access_token":"a2"})", &*fresh);
  REQUIRE(refreshed.ok());
  CHECK(refreshed->access_token == "a2");
  CHECK(refreshed->refresh_token == "r1");

  auto broken = f.plugin->call_token_response(R"({"error":"invalid_grant"})", nullptr);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().status == JCODE_E_PROTOCOL);
  CHECK(broken.error().message.find("no access_token") != std::string::npos);

  auto enriched = f.plugin->call_after_login(*fresh);
  REQUIRE(enriched.ok());
  CHECK(enriched->email == "after-login@fixture.example");
  CHECK(enriched->access_token == "a1");
}

TEST_CASE("call_login_run goes through the host's OAuth engine with the plugin's client") {
  Loaded f("fixture");
  jcode::model::LoginRequest req;
  req.flags = JCODE_LOGIN_F_NO_BROWSER;
  req.options["tenant"] = "contoso";
  auto r = f.plugin->call_login_run(req);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK((*r)->access_token == "at-from-oauth");
  CHECK((*r)->refresh_token == "rt-from-oauth");
  CHECK((*r)->account_id == "contoso");
  REQUIRE(f.host.oauth_clients.size() == 1);
  CHECK(f.host.oauth_clients[0].client_id == "fixture-client");
  CHECK(f.host.oauth_clients[0].redirect_port == 54545);
  CHECK(f.host.oauth_clients[0].token_endpoint == "token");
  CHECK(f.host.login_requests[0].flags == JCODE_LOGIN_F_NO_BROWSER);
  CHECK(f.host.login_requests[0].options.at("tenant") == "contoso");
}

TEST_CASE("call_send: request through host HTTP, events back, unknown events ignored") {
  Loaded f("fixture");
  f.host.endpoints["fixture.api"] = "https://api.test";
  Credential c;
  c.access_token = "tok-xyz";
  std::vector<Event> events;
  auto st = f.plugin->call_send(ChatRequest{"", R"({"messages":[]})"}, &c, [&](const Event& e) {
    events.push_back(e);
    return jcode::Status{};
  });
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message));
  REQUIRE(f.host.requests.size() == 1);
  const HttpRequest& req = f.host.requests[0];
  CHECK(req.method == "POST");
  CHECK(req.url == "https://api.test/v1/echo");
  CHECK(req.body == R"({"messages":[]})");
  CHECK(req.flags == JCODE_HTTP_F_RETRY);
  REQUIRE(req.headers.size() == 1);
  CHECK(req.headers[0].first == "Authorization");
  CHECK(req.headers[0].second == "Bearer tok-xyz");
  REQUIRE(events.size() == 5);
  CHECK(events[0].type == EventType::thinking);
  CHECK(events[0].text == "minor=" + std::to_string(JCODE_ABI_MINOR) + " is_cancelled=yes");
  CHECK(events[1].type == EventType::model);
  CHECK(events[1].text == "fixture-model-1");
  CHECK(events[2].type == EventType::text);
  CHECK(events[2].text == "echo-body");
  CHECK(events[3].type == EventType::usage);
  CHECK(events[3].input_tokens == 15);
  CHECK(events[4].type == EventType::stop);
  CHECK(events[4].text == "end_turn");
  CHECK(f.host.logs == std::vector<std::string>{"fixture: fixture: send"});
}

TEST_CASE("call_send failures: expired token, private code, handler stop, missing service, cancel") {
  Loaded f("fixture");
  auto ignore = [](const Event&) { return jcode::Status{}; };
  Credential expired;
  expired.access_token = "expired";
  auto a = f.plugin->call_send(ChatRequest{"", "{}"}, &expired, ignore);
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().status == JCODE_E_AUTH_EXPIRED);
  CHECK(a.error().message == "provider 'fixture': fixture: the service refused the token");

  auto b = f.plugin->call_send(ChatRequest{"private-error", "{}"}, nullptr, ignore);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().status == -1001);
  CHECK(b.error().message == "provider 'fixture': send failed with plugin-private: the fixture's private failure (code -1001)");

  // No endpoint configured in the fake: the host service's own message explains it.
  auto c = f.plugin->call_send(ChatRequest{"", "{}"}, nullptr, ignore);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().status == JCODE_E_NOT_FOUND);
  CHECK(c.error().message == "provider 'fixture': unknown endpoint api");

  f.host.endpoints["fixture.api"] = "https://api.test";
  int seen = 0;
  auto d = f.plugin->call_send(ChatRequest{"", "{}"}, nullptr, [&](const Event&) -> jcode::Status {
    if (++seen == 2) return jcode::Error{JCODE_E_CANCELLED, "the user stopped the answer"};
    return {};
  });
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().status == JCODE_E_CANCELLED);
  CHECK(d.error().message == "the user stopped the answer");
  CHECK(seen == 2);

  f.host.http_status = 503;
  auto e = f.plugin->call_send(ChatRequest{"", "{}"}, nullptr, ignore);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().status == JCODE_E_SERVER);

  f.host.cancelled = true;
  auto g = f.plugin->call_send(ChatRequest{"", "{}"}, nullptr, ignore);
  REQUIRE_FALSE(g.ok());
  CHECK(g.error().status == JCODE_E_CANCELLED);
}

TEST_CASE("a host service left at its default says it is not available") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "fixture");
  HostServices bare;  // every service at its default
  Registry reg(bare);
  reg.discover(dirs({dir}));
  auto p = reg.instance("fixture");
  REQUIRE(p.ok());
  auto st = (*p)->call_send(ChatRequest{"", "{}"}, nullptr, [](const Event&) { return jcode::Status{}; });
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().status == JCODE_E_NOT_SUPPORTED);
  CHECK(st.error().message == "provider 'fixture': the host service 'endpoint_url' is not available in this host build");
}

TEST_CASE("roles a plugin lacks answer NOT_SUPPORTED without calling it") {
  Loaded f("cppfixture");
  jcode::model::SourceDecl s;
  s.id = "x";
  auto r = f.plugin->call_parse(s, "x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().status == JCODE_E_NOT_SUPPORTED);
  CHECK(r.error().message == "provider 'cppfixture' does not implement the credentials role");
  auto t = f.plugin->call_token_response("{}", nullptr);
  CHECK(t.status() == JCODE_E_NOT_SUPPORTED);
}

TEST_CASE("plugin.hpp: trampolines catch exceptions, Host reads env") {
  Loaded f("cppfixture");
  f.host.env["FIXTURE_GREETING"] = "world";
  std::vector<Event> events;
  auto ok = f.plugin->call_send(ChatRequest{"", "{}"}, nullptr, [&](const Event& e) {
    events.push_back(e);
    return jcode::Status{};
  });
  REQUIRE(ok.ok());
  REQUIRE(events.size() == 1);
  CHECK(events[0].text == "hello world");

  auto thrown = f.plugin->call_send(ChatRequest{"throw", "{}"}, nullptr, [](const Event&) { return jcode::Status{}; });
  REQUIRE_FALSE(thrown.ok());
  CHECK(thrown.error().status == JCODE_E_INTERNAL);
  CHECK(thrown.error().message == "provider 'cppfixture': fixture: send throws on purpose");
}

TEST_CASE("ABI 1.1 through plugin.hpp: resolve_url and read_file reach the host; an alias is read") {
  Loaded f("cppfixture");
  f.host.files["/etc/fixture-token"] = "tok-123";
  auto answer = [&](const std::string& model) -> jcode::Result<std::string> {
    std::string text;
    auto r = f.plugin->call_send(ChatRequest{model, "{}"}, nullptr, [&](const Event& e) {
      text += e.text;
      return jcode::Status{};
    });
    if (!r.ok()) return r.error();
    return text;
  };
  auto url = answer("url:https://res.example/openai/v1");
  REQUIRE(url.ok());
  CHECK(*url == "http://127.0.0.1:1/res.example/openai/v1");
  auto refused = answer("url:http://res.example");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().status == JCODE_E_INVALID_ARG);
  CHECK(refused.error().message == "provider 'cppfixture': FIXTURE_URL: must be https");  // the host's reason
  auto file = answer("file:/etc/fixture-token");
  REQUIRE(file.ok());
  CHECK(*file == "tok-123");
  CHECK(f.host.files_read.back() == "/etc/fixture-token#64");
  auto missing = answer("file:/nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().status == JCODE_E_NOT_FOUND);

  const auto& info = f.plugin->info();
  REQUIRE(info.aliases.size() == 1);
  CHECK(info.aliases[0].name == "cpp-old");
  CHECK(info.aliases[0].env_name == "FIXTURE_GREETING");
  CHECK(info.aliases[0].env_value == "alias");
  CHECK(info.aliases[0].deprecated());
  CHECK_FALSE(info.aliases[0].hidden());
}

TEST_CASE("calls from several threads into one plugin are serialised and keep their own errors") {
  Loaded f("fixture");
  f.host.endpoints["fixture.api"] = "https://api.test";
  std::vector<std::thread> threads;
  std::atomic<int> good{0}, bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if ((i + t) % 2) {
          auto r = f.plugin->call_parse(f.source("fixture_auth"), "bad");
          if (!r.ok() && r.error().message == "provider 'fixture': fixture: malformed content") ++bad;
        } else {
          auto r = f.plugin->call_parse(f.source("fixture_auth"), "token=t");
          if (r.ok() && r->access_token == "t") ++good;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(good == 40);
  CHECK(bad == 40);
}
