#include <jcode/config/config.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace stdfs = std::filesystem;
using jcode::config::Config;
using jcode::paths::MapEnv;

namespace {

struct TempDir {
  stdfs::path path;
  TempDir() {
    std::string tmpl = (stdfs::temp_directory_path() / "jcode-config-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    stdfs::remove_all(path, ec);
  }
};

std::string slurp(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const char* kSample = R"(# my settings
top = "kept"

[provider]
default_provider = "claude"

[endpoints]
"openai.token" = "http://127.0.0.1:9/token"
"claude.api" = "https://proxy.example/anthropic"

[plugins]
enable_only = ["claude", "openai"]
disable = ["cursor"]

[plugins.gemini]
project = "my-proj"
retries = 3
verbose = true
nested.deep = "yes"
"dotted.key" = "quoted"
list = ["a", 1]

[auth]
trusted_external_source_paths = ["Codex_Auth|/Home/U/.codex/auth.json", "b|/x"]
trusted_external_sources = ["claude_code_native_credentials"]

[http]
ca_bundle = "/etc/ssl/corp.pem"
connect_timeout_secs = 10

[providers.my-api]
type = "openai-compatible"
base_url = "https://llm.example.com/v1"
api_key_env = "MY_KEY"
requires_api_key = true
custom_thing = "unknown but kept"

[[providers.my-api.models]]
id = "m1"
context_limit = 128000

[unknown_table]
x = 1
)";

}  // namespace

TEST_CASE("config: typed views of a full file") {
  MapEnv env;
  auto c = Config::parse(kSample, "/tmp/x/config.toml", env);
  REQUIRE(c.ok());
  CHECK(c->get_string("top") == "kept");
  CHECK(c->default_provider() == "claude");
  CHECK(c->endpoint("openai", "token") == "http://127.0.0.1:9/token");
  CHECK(c->endpoints().size() == 2);
  CHECK(c->plugins_enable_only() == std::vector<std::string>{"claude", "openai"});
  CHECK(c->plugins_disable() == std::vector<std::string>{"cursor"});
  CHECK(c->plugin_value("gemini", "project") == "my-proj");
  CHECK(c->plugin_value("gemini", "retries") == "3");
  CHECK(c->plugin_value("gemini", "verbose") == "true");
  CHECK(c->plugin_value("gemini", "nested.deep") == "yes");
  CHECK(c->plugin_value("gemini", "dotted.key") == "quoted");
  CHECK(c->plugin_value("gemini", "list") == R"(["a",1])");
  CHECK(c->plugin_value("gemini", "missing") == std::nullopt);
  CHECK(c->plugin_value("claude", "project") == std::nullopt);
  CHECK(c->http().ca_bundle == "/etc/ssl/corp.pem");
  CHECK(c->http().connect_timeout_secs == 10);
  CHECK(c->http().request_timeout_secs == std::nullopt);
  CHECK(c->get_int("http.connect_timeout_secs") == 10);
  CHECK(c->get_bool("plugins.gemini.verbose") == true);
  CHECK(c->get_string_array("plugins.disable") == std::vector<std::string>{"cursor"});
  auto p = c->provider("my-api");
  REQUIRE(p);
  CHECK(p->base_url == "https://llm.example.com/v1");
  CHECK(p->requires_api_key == true);
  REQUIRE(p->models.size() == 1);
  CHECK(p->models[0].context_window == 128000);
  CHECK(c->provider_names() == std::vector<std::string>{"my-api"});
}

TEST_CASE("config: trust lists are lowercased, sorted, unique and matched case-insensitively") {
  MapEnv env;
  auto c = Config::parse(kSample, "/tmp/x/config.toml", env);
  REQUIRE(c.ok());
  CHECK(c->trusted_external_source_paths() ==
        std::vector<std::string>{"b|/x", "codex_auth|/home/u/.codex/auth.json"});
  CHECK(c->is_path_trusted("codex_auth", "/home/u/.codex/auth.json"));
  CHECK(c->is_path_trusted("CODEX_AUTH", "/HOME/U/.codex/AUTH.json"));
  CHECK(!c->is_path_trusted("codex_auth", "/home/u/.codex/other.json"));
  CHECK(c->is_source_trusted("claude_code_native_credentials"));
  c->add_trusted_source_path("Gemini", "/home/u/.gemini/oauth_creds.json");
  c->add_trusted_source_path("gemini", "/home/u/.gemini/oauth_creds.json");
  CHECK(c->trusted_external_source_paths().size() == 3);
  CHECK(c->remove_trusted_source_path("b", "/x"));
  CHECK(!c->remove_trusted_source_path("b", "/x"));
  CHECK(c->trusted_external_source_paths() ==
        std::vector<std::string>{"codex_auth|/home/u/.codex/auth.json", "gemini|/home/u/.gemini/oauth_creds.json"});
  c->add_trusted_source("X");
  CHECK(c->is_source_trusted("x"));
  CHECK(c->remove_trusted_source("x"));
  CHECK(!c->is_source_trusted("x"));
}

TEST_CASE("config: JCODE_TRUSTED_EXTERNAL_AUTH_SOURCES replaces both lists and is never saved") {
  TempDir t;
  const auto file = t.path / "config.toml";
  { std::ofstream(file) << kSample; }
  MapEnv env({{"JCODE_TRUSTED_EXTERNAL_AUTH_SOURCES", " src_a , Gemini|/P/Q , "}});
  auto c = Config::load(file, env);
  REQUIRE(c.ok());
  CHECK(c->trust_overridden_by_env());
  CHECK(c->trusted_external_sources() == std::vector<std::string>{"src_a"});
  CHECK(c->trusted_external_source_paths() == std::vector<std::string>{"gemini|/p/q"});
  CHECK(!c->is_source_trusted("claude_code_native_credentials"));
  c->add_trusted_source("new_one");
  REQUIRE(c->save().ok());
  auto plain = Config::load(file, MapEnv{});
  REQUIRE(plain.ok());
  CHECK(!plain->trust_overridden_by_env());
  CHECK(plain->trusted_external_sources() ==
        std::vector<std::string>{"claude_code_native_credentials", "new_one"});
  CHECK(plain->trusted_external_source_paths().size() == 2);
  CHECK(!plain->is_source_trusted("src_a"));

  MapEnv empty({{"JCODE_TRUSTED_EXTERNAL_AUTH_SOURCES", ""}});
  auto none = Config::load(file, empty);
  REQUIRE(none.ok());
  CHECK(none->trusted_external_sources().empty());
  CHECK(none->trusted_external_source_paths().empty());
}

TEST_CASE("config: save round-trips every key, writes 0600 atomically") {
  TempDir t;
  const auto file = t.path / "jh" / "config.toml";
  auto c = Config::parse(kSample, file, MapEnv{});
  REQUIRE(c.ok());
  REQUIRE(c->save().ok());
  struct stat st;
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = Config::load(file, MapEnv{});
  REQUIRE(again.ok());
  CHECK(again->to_toml() == c->to_toml());
  CHECK(again->get_string("top") == "kept");
  CHECK(again->get_int("unknown_table.x") == 1);
  CHECK(again->get_string("providers.my-api.custom_thing") == "unknown but kept");
  CHECK(again->endpoint("openai", "token") == "http://127.0.0.1:9/token");
  CHECK(again->plugin_value("gemini", "dotted.key") == "quoted");
  const auto text = slurp(file);
  CHECK(text.find("\"openai.token\"") != std::string::npos);
  CHECK(text.find("# my settings") != std::string::npos);  // nothing changed: the text is kept
  CHECK(c->had_comments());
  CHECK(again->had_comments());
}

TEST_CASE("config: provider profiles and default provider") {
  auto c = Config::parse(kSample, "/tmp/x/config.toml", MapEnv{});
  REQUIRE(c.ok());
  jcode::config::ProviderProfile p;
  p.name = "my-api";
  p.type = "openai-compatible";
  p.base_url = "http://localhost:8080/v1";
  p.auth = "none";
  p.default_model = "qwen";
  p.requires_api_key = false;
  p.models = {{"qwen", 32768}, {"other", std::nullopt}};
  REQUIRE(c->set_provider_profile(p).ok());
  auto got = c->provider("my-api");
  REQUIRE(got);
  CHECK(got->base_url == "http://localhost:8080/v1");
  CHECK(got->api_key_env.empty());  // absent known key removed
  CHECK(got->requires_api_key == false);
  CHECK(got->models.size() == 2);
  CHECK(got->models[1].context_window == std::nullopt);
  CHECK(c->get_string("providers.my-api.custom_thing") == "unknown but kept");
  p.name = "bad name!";
  auto bad = c->set_provider_profile(p);
  REQUIRE(!bad.ok());
  CHECK(bad.error().message.find("bad name!") != std::string::npos);
  c->set_default_provider("my-api", std::string_view("qwen"));
  CHECK(c->default_provider() == "my-api");
  CHECK(c->default_model() == "qwen");
  CHECK(c->remove_provider_profile("my-api"));
  CHECK(!c->provider("my-api"));
}

TEST_CASE("config: a missing file is an empty config that save() creates") {
  TempDir t;
  const auto file = t.path / "config.toml";
  auto c = Config::load(file, MapEnv{});
  REQUIRE(c.ok());
  CHECK(c->endpoints().empty());
  CHECK(c->plugins_enable_only() == std::nullopt);
  CHECK(!stdfs::exists(file));
  c->add_trusted_source("s");
  REQUIRE(c->save().ok());
  CHECK(Config::load(file, MapEnv{})->is_source_trusted("s"));
}

TEST_CASE("config: syntax errors name file, line and column and leave the file alone") {
  TempDir t;
  const auto file = t.path / "config.toml";
  const std::string broken = "[auth]\ntrusted_external_sources = [\"a\"\n\n[http]\n";
  { std::ofstream(file) << broken; }
  auto c = Config::load(file, MapEnv{});
  REQUIRE(!c.ok());
  CHECK(c.error().status == JCODE_E_INVALID_ARG);
  const auto& m = c.error().message;
  CHECK(m.find(file.string() + ":") == 0);
  CHECK(m.find("invalid TOML") != std::string::npos);
  CHECK(m.find("has not changed") != std::string::npos);
  CHECK(slurp(file) == broken);
}

TEST_CASE("config: known keys of the wrong type are refused with the fix") {
  auto c = Config::parse("[plugins]\nenable_only = \"claude\"\n", "/c.toml", MapEnv{});
  REQUIRE(!c.ok());
  CHECK(c.error().message.find("/c.toml:2:") == 0);
  CHECK(c.error().message.find("array of strings") != std::string::npos);
  auto e = Config::parse("[endpoints]\n\"openai.token\" = 5\n", "/c.toml", MapEnv{});
  REQUIRE(!e.ok());
  CHECK(e.error().message.find("URL string") != std::string::npos);
  auto h = Config::parse("[http]\nconnect_timeout_secs = -1\n", "/c.toml", MapEnv{});
  REQUIRE(!h.ok());
  auto a = Config::parse("auth = 3\n", "/c.toml", MapEnv{});
  REQUIRE(!a.ok());
  CHECK(a.error().message.find("must be a table") != std::string::npos);
  auto pm = Config::parse("[providers.x]\nmodels = [1]\n", "/c.toml", MapEnv{});
  REQUIRE(!pm.ok());
}

TEST_CASE("config: default path is <jcode home>/config.toml") {
  MapEnv env({{"HOME", "/home/u"}});
  CHECK(*Config::default_path(env) == "/home/u/.jcode/config.toml");
  env.set("JCODE_HOME", "/j");
  CHECK(*Config::default_path(env) == "/j/config.toml");
}

TEST_CASE("config: a trust change edits the text in place and keeps comments, order and dotted keys") {
  MapEnv env;
  const std::string text =
      "# mine\n[provider]\ndefault_provider = \"claude\" # why\n\n[auth]\n# hand-approved\n"
      "trusted_external_sources = [ \"a\" ]   # trailing\n\n[http]\nconnect_timeout_secs = 7\n";
  auto c = Config::parse(text, "/tmp/x/config.toml", env);
  REQUIRE(c.ok());
  c->add_trusted_source("b");
  auto edited = c->edited_text();
  REQUIRE(edited.has_value());
  CHECK(*edited ==
        "# mine\n[provider]\ndefault_provider = \"claude\" # why\n\n[auth]\n# hand-approved\n"
        "trusted_external_sources = [\"a\", \"b\"]   # trailing\n\n[http]\nconnect_timeout_secs = 7\n");
  c->add_trusted_source_path("s", "/p");
  edited = c->edited_text();
  REQUIRE(edited.has_value());
  CHECK(edited->find("[auth]\ntrusted_external_source_paths = [\"s|/p\"]\n# hand-approved\n") != std::string::npos);
  CHECK(c->save_keeps_text());

  // No [auth] table: one is appended; dotted keys elsewhere stay as written.
  auto d = Config::parse("http.connect_timeout_secs = 5\n", "/tmp/x/config.toml", env);
  REQUIRE(d.ok());
  d->add_trusted_source("g");
  REQUIRE(d->edited_text().has_value());
  CHECK(*d->edited_text() == "http.connect_timeout_secs = 5\n\n[auth]\ntrusted_external_sources = [\"g\"]\n");

  // [auth] defined only by dotted keys: no local edit is possible, the caller is told.
  auto e = Config::parse("auth.trusted_external_sources = [\"a\"]\n", "/tmp/x/config.toml", env);
  REQUIRE(e.ok());
  e->add_trusted_source_path("s", "/p");
  CHECK(!e->save_keeps_text());
}

TEST_CASE("config: a plugin's declared settings are type-checked; unknown keys warn with the closest") {
  using jcode::config::KeySpec;
  using jcode::config::KeyType;
  const std::vector<KeySpec> keys{{"user_agent", KeyType::string},
                                  {"betas", KeyType::string_list},
                                  {"tool_names", KeyType::string_table},
                                  {"retries", KeyType::integer}};
  std::vector<std::string> warnings;

  auto wrong = Config::parse("[plugins.claude]\nuser_agent = 7\n", "/j/config.toml", MapEnv{});
  REQUIRE(wrong.ok());
  auto st = wrong->check_plugin_table("claude", keys, warnings);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("/j/config.toml:2:14: [plugins.claude] user_agent must be a string in double quotes") == 0);
  CHECK(st.error().message.find("has not changed the file") != std::string::npos);

  auto arr = Config::parse("[plugins.claude]\nbetas = [\"a\", 2]\n", "/j/config.toml", MapEnv{});
  REQUIRE(arr.ok());
  CHECK_FALSE(arr->check_plugin_table("claude", keys, warnings).ok());

  auto good = Config::parse(
      "[plugins.claude]\nuser_agent = \"ua/1\"\nbetas = [\"a\", \"b\"]\nretries = 3\nuser_agnt = \"x\"\n"
      "[plugins.claude.tool_names]\nbash = \"Bash\"\n",
      "/j/config.toml", MapEnv{});
  REQUIRE(good.ok());
  warnings.clear();
  REQUIRE(good->check_plugin_table("claude", keys, warnings).ok());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("/j/config.toml:5: [plugins.claude] user_agnt is not a setting of claude") == 0);
  CHECK(warnings[0].find("did you mean user_agent?") != std::string::npos);
  CHECK(good->plugin_list("claude", "betas") == std::vector<std::string>{"a", "b"});
  CHECK(good->plugin_list("claude", "user_agent") == std::vector<std::string>{"ua/1"});

  // Nothing declared: nothing checked.
  warnings.clear();
  CHECK(wrong->check_plugin_table("claude", {}, warnings).ok());
  CHECK(warnings.empty());
}

TEST_CASE("config: [endpoints] names that match no declared endpoint warn with the closest") {
  auto c = Config::parse(
      "[endpoints]\n\"claude.api\" = \"https://a\"\n\"claude.nosuch\" = \"https://b\"\n\"claud.token\" = \"https://c\"\n"
      "\"gone.api\" = \"https://d\"\n",
      "/j/config.toml", MapEnv{});
  REQUIRE(c.ok());
  std::vector<std::string> w;
  c->check_endpoint_names({"claude.api", "claude.token"}, {"claude"}, w);
  REQUIRE(w.size() == 2);
  // (toml++ keeps keys sorted)
  CHECK(w[0].find("/j/config.toml:4: [endpoints] \"claud.token\" names no endpoint of an installed provider") == 0);
  CHECK(w[0].find("did you mean \"claude.token\"?") != std::string::npos);
  CHECK(w[1].find("/j/config.toml:3: [endpoints] \"claude.nosuch\" names no endpoint of claude") == 0);
  // "gone.api": a plugin that is not installed, close to nothing known: not a mistake here.
}

TEST_CASE("config: a provider profile is added as text; a replace cuts only its own sections") {
  jcode::config::ProviderProfile p;
  p.name = "my-api";
  p.type = "openai-compatible";
  p.base_url = "https://llm.example.com/v1";
  p.default_model = "m1";
  p.models.push_back({"m1", 1000});
  const std::string text = "# top\n[providers.my-api]\nbase_url = \"https://old\"\n\n[[providers.my-api.models]]\n"
                           "id = \"old\"\n\n[plugins.claude]  # mine\nuser_agent = \"ua\"\n";
  auto c = Config::parse(text, "/j/config.toml", MapEnv{});
  REQUIRE(c.ok());
  auto st = c->add_provider_profile_text(p, false);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("--overwrite") != std::string::npos);
  REQUIRE(c->add_provider_profile_text(p, true).ok());
  auto t = c->edited_text();
  REQUIRE(t);
  CHECK(t->find("# top\n") == 0);
  CHECK(t->find("[plugins.claude]  # mine\nuser_agent = \"ua\"\n") != std::string::npos);
  CHECK(t->find("https://old") == std::string::npos);
  CHECK(c->provider("my-api")->base_url == "https://llm.example.com/v1");
  CHECK(c->provider("my-api")->models.at(0).context_window == 1000);

  // A profile written with dotted keys elsewhere cannot be cut as text: refused, unchanged.
  auto d = Config::parse("providers.my-api.base_url = \"https://old\"\n", "/j/config.toml", MapEnv{});
  REQUIRE(d.ok());
  CHECK_FALSE(d->add_provider_profile_text(p, true).ok());
  CHECK(d->provider("my-api")->base_url == "https://old");
}
