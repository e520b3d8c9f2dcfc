#include <jcode/endpoints/endpoints.hpp>

#include <doctest/doctest.h>

using jcode::config::Config;
using jcode::endpoints::Origin;
using jcode::paths::MapEnv;

namespace {
Config cfg(const char* text) {
  auto c = Config::parse(text, "/j/config.toml", MapEnv{});
  REQUIRE(c.ok());
  return std::move(*c);
}
}  // namespace

TEST_CASE("endpoints: env var names") {
  CHECK(jcode::endpoints::env_var_name("openai", "token") == "JCODE_ENDPOINT_OPENAI_TOKEN");
  CHECK(jcode::endpoints::env_var_name("google-x", "device_code") == "JCODE_ENDPOINT_GOOGLE_X_DEVICE_CODE");
}

TEST_CASE("endpoints: default, then emulator, then config, then env") {
  const char* def = "https://auth.openai.com/oauth/token?x=1";
  Config empty = cfg("");
  MapEnv env;
  auto r = jcode::endpoints::resolve("openai", "token", def, empty, env);
  REQUIRE(r.ok());
  CHECK(r->url == def);
  CHECK(r->origin == Origin::default_value);

  env.set("JCODE_EMULATOR_URL", "http://127.0.0.1:4567/");
  r = jcode::endpoints::resolve("openai", "token", def, empty, env);
  REQUIRE(r.ok());
  CHECK(r->url == "http://127.0.0.1:4567/auth.openai.com/oauth/token?x=1");
  CHECK(r->origin == Origin::emulator);
  CHECK(r->setting == "JCODE_EMULATOR_URL");

  auto origin_only = jcode::endpoints::resolve("openai", "api", "https://api.openai.com", empty, env);
  REQUIRE(origin_only.ok());
  CHECK(origin_only->url == "http://127.0.0.1:4567/api.openai.com");
  auto with_port = jcode::endpoints::resolve("x", "api", "https://h.example:8443/v1/", empty, env);
  REQUIRE(with_port.ok());
  CHECK(with_port->url == "http://127.0.0.1:4567/h.example:8443/v1/");

  Config c = cfg("[endpoints]\n\"openai.token\" = \"http://localhost:9/tok\"\n");
  r = jcode::endpoints::resolve("openai", "token", def, c, env);
  REQUIRE(r.ok());
  CHECK(r->url == "http://localhost:9/tok");
  CHECK(r->origin == Origin::config);
  CHECK(r->setting.find("/j/config.toml") != std::string::npos);

  env.set("JCODE_ENDPOINT_OPENAI_TOKEN", "https://corp-proxy.example/token");
  r = jcode::endpoints::resolve("openai", "token", def, c, env);
  REQUIRE(r.ok());
  CHECK(r->url == "https://corp-proxy.example/token");
  CHECK(r->origin == Origin::env);
  CHECK(jcode::endpoints::to_string(r->origin) == "env");

  // Another endpoint of the same plugin is still emulated.
  r = jcode::endpoints::resolve("openai", "authorize", "https://auth.openai.com/oauth/authorize", c, env);
  REQUIRE(r.ok());
  CHECK(r->origin == Origin::emulator);
}

TEST_CASE("endpoints: plain http only to loopback; errors name the setting") {
  Config empty = cfg("");
  MapEnv env({{"JCODE_ENDPOINT_CLAUDE_TOKEN", "http://evil.example/token?secret=1"}});
  auto r = jcode::endpoints::resolve("claude", "token", "https://x.example/t", empty, env);
  REQUIRE(!r.ok());
  CHECK(r.error().status == JCODE_E_INVALID_ARG);
  CHECK(r.error().message.find("JCODE_ENDPOINT_CLAUDE_TOKEN") == 0);
  CHECK(r.error().message.find("https://") != std::string::npos);
  CHECK(r.error().message.find("secret=1") == std::string::npos);

  Config bad = cfg("[endpoints]\n\"claude.token\" = \"not a url\"\n");
  auto rc = jcode::endpoints::resolve("claude", "token", "https://x.example/t", bad, MapEnv{});
  REQUIRE(!rc.ok());
  CHECK(rc.error().message.find("[endpoints] \"claude.token\"") == 0);

  MapEnv emu({{"JCODE_EMULATOR_URL", "http://10.0.0.5:80"}});
  auto re = jcode::endpoints::resolve("claude", "token", "https://x.example/t", empty, emu);
  REQUIRE(!re.ok());
  CHECK(re.error().message.find("JCODE_EMULATOR_URL") == 0);

  auto rd = jcode::endpoints::resolve("claude", "token", "http://x.example/t", empty, MapEnv{});
  REQUIRE(!rd.ok());
  CHECK(rd.error().message.find("default URL of endpoint claude.token") != std::string::npos);
}

TEST_CASE("endpoints: validate_url cases") {
  using jcode::endpoints::validate_url;
  CHECK(validate_url("https://api.example.com/v1", "s").ok());
  CHECK(validate_url("http://127.0.0.1:8080/x", "s").ok());
  CHECK(validate_url("http://127.9.9.9/x", "s").ok());
  CHECK(validate_url("http://[::1]:9/x", "s").ok());
  CHECK(validate_url("http://LOCALHOST/x", "s").ok());
  CHECK(!validate_url("http://128.0.0.1/x", "s").ok());
  CHECK(!validate_url("http://localhost.evil.com/x", "s").ok());
  CHECK(!validate_url("http://0.0.0.0/x", "s").ok());
  CHECK(!validate_url("ftp://example.com/x", "s").ok());
  CHECK(!validate_url("example.com/x", "s").ok());
  CHECK(!validate_url("", "s").ok());
  CHECK(!validate_url("https://user:pw@example.com/", "s").ok());
  CHECK(!validate_url("https://example.com/a#frag", "s").ok());
  CHECK(!validate_url("https://exa mple.com/", "s").ok());
  CHECK(!validate_url("https:///path", "s").ok());
  CHECK(jcode::endpoints::is_loopback_host("::1"));
  CHECK(!jcode::endpoints::is_loopback_host("::2"));
}

TEST_CASE("endpoints: resolve_runtime checks a plugin's run-time URL and maps it like an endpoint") {
  using jcode::endpoints::resolve_runtime;
  MapEnv plain;
  auto r = resolve_runtime("https://res.openai.azure.com/openai/v1", "AZURE_OPENAI_ENDPOINT", plain);
  REQUIRE(r.ok());
  CHECK(*r == "https://res.openai.azure.com/openai/v1");

  MapEnv emu({{"JCODE_EMULATOR_URL", "http://127.0.0.1:9000/"}});
  auto m = resolve_runtime("https://res.openai.azure.com:8443/openai/v1?x=1", "AZURE_OPENAI_ENDPOINT", emu);
  REQUIRE(m.ok());
  CHECK(*m == "http://127.0.0.1:9000/res.openai.azure.com:8443/openai/v1?x=1");
  // Plain http to this machine is already local: not rewritten. The metadata address is.
  auto local = resolve_runtime("http://127.0.0.1:5000/v1", "OPENAI_BASE_URL", emu);
  REQUIRE(local.ok());
  CHECK(*local == "http://127.0.0.1:5000/v1");
  auto imds = resolve_runtime("http://169.254.169.254/metadata", "IDENTITY_ENDPOINT", emu);
  REQUIRE(imds.ok());
  CHECK(*imds == "http://127.0.0.1:9000/169.254.169.254/metadata");

  auto bad = resolve_runtime("http://res.example.com/v1", "AZURE_OPENAI_ENDPOINT in azure-openai.env", plain);
  REQUIRE(!bad.ok());
  CHECK(bad.error().status == JCODE_E_INVALID_ARG);
  CHECK(bad.error().message.find("AZURE_OPENAI_ENDPOINT in azure-openai.env: 'http://res.example.com/v1'") == 0);
  auto unnamed = resolve_runtime("https://u:p@x.example/", "", plain);
  REQUIRE(!unnamed.ok());
  CHECK(unnamed.error().message.find("the URL: ") == 0);
}

TEST_CASE("endpoints: a declared plain-http metadata default goes to the emulator too") {
  Config empty = cfg("");
  MapEnv emu({{"JCODE_EMULATOR_URL", "http://127.0.0.1:9000"}});
  auto r = jcode::endpoints::resolve("azure", "imds", "http://169.254.169.254", empty, emu);
  REQUIRE(r.ok());
  CHECK(r->url == "http://127.0.0.1:9000/169.254.169.254");
  CHECK(r->origin == jcode::endpoints::Origin::emulator);
}

TEST_CASE("endpoints: a JCODE_ENDPOINT_ variable naming no declared endpoint is a warning with the closest") {
  MapEnv env{{"JCODE_ENDPOINT_CLAUDE_API", "https://ok"},
             {"JCODE_ENDPOINT_CLAUDE_BOGUS", "https://x"},
             {"JCODE_ENDPOINT_CLAUDE_TOKN", "https://y"},
             {"JCODE_ENDPOINT_ELSEWHERE_API", "https://z"}};
  auto w = jcode::endpoints::unknown_endpoint_settings({{"claude", "api"}, {"claude", "token"}}, {"claude"},
                                                      cfg(""), env);
  REQUIRE(w.size() == 2);
  CHECK(w[0].find("JCODE_ENDPOINT_CLAUDE_BOGUS names no endpoint of claude and is ignored") == 0);
  CHECK(w[1].find("JCODE_ENDPOINT_CLAUDE_TOKN names no endpoint of claude") == 0);
  CHECK(w[1].find("did you mean JCODE_ENDPOINT_CLAUDE_TOKEN?") != std::string::npos);
}
