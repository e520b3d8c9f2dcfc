// `jcode plugins list` / `jcode plugins info` data.
#include "support.hpp"

#include <jcode/plugins/report.hpp>

using namespace jcode::test;

TEST_CASE("list: loaded plugins with ABI and roles, skipped files with reasons") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "fixture");
  install(dir, "cppfixture");
  write_file(dir / "jcode-provider-text.so", "hello\n", 0755);
  FakeHost host;
  Registry reg(host);
  auto search = dirs({dir});
  reg.discover(search);

  auto j = list_json(reg);
  REQUIRE(j["plugins"].size() == 2);
  CHECK(j["plugins"][0]["id"] == "cppfixture");  // files are scanned in name order
  CHECK(j["plugins"][1]["id"] == "fixture");
  CHECK(j["plugins"][1]["name"] == "Fixture");
  CHECK(j["plugins"][1]["version"] == "1.2.3");
  CHECK(j["plugins"][1]["abi"] == "1." + std::to_string(JCODE_ABI_MINOR));
  CHECK(j["plugins"][1]["path"] == (dir / "jcode-provider-fixture.so").string());
  CHECK(j["plugins"][1]["roles"] == nlohmann::json({"credentials", "login", "transport"}));
  REQUIRE(j["skipped"].size() == 1);
  CHECK(j["skipped"][0]["id"] == "text");
  CHECK(j["skipped"][0]["reason"].get<std::string>().find("not an ELF file") != std::string::npos);
  CHECK_FALSE(j.contains("search_path"));

  auto v = list_json(reg, ListOptions{true, search});
  CHECK(v["search_path"][0]["path"] == dir.string());
  CHECK(v["plugins"][1]["description"] == "A test provider");
  CHECK(v.contains("discovery_us"));

  std::string text = list_text(reg, ListOptions{true, search});
  CHECK(text.find("Plugins: 2 loaded, 1 skipped") != std::string::npos);
  CHECK(text.find("fixture  Fixture 1.2.3  ABI 1." + std::to_string(JCODE_ABI_MINOR) +
                  "  roles: credentials, login, transport") != std::string::npos);
  CHECK(text.find("jcode-provider-text.so: not an ELF file") != std::string::npos);
  CHECK(text.find("Search path (first match per id wins):") != std::string::npos);
}

TEST_CASE("info: endpoints with effective URLs, sources in order, login and transport") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "fixture");
  FakeHost host;
  host.endpoints["fixture.api"] = "http://127.0.0.1:9999/api.fixture.example";
  Registry reg(host);
  reg.discover(dirs({dir}));

  auto j = info_json(reg, "fixture");
  REQUIRE(j.ok());
  REQUIRE((*j)["endpoints"].size() == 3);
  CHECK((*j)["endpoints"][0]["full_name"] == "fixture.api");
  CHECK((*j)["endpoints"][0]["url"] == "http://127.0.0.1:9999/api.fixture.example");
  CHECK((*j)["endpoints"][0]["default_url"] == "https://api.fixture.example");
  // Not resolvable (here: the fake host knows no such endpoint; for real: a refused
  // override): no URL is shown as in use, the reason is.
  CHECK((*j)["endpoints"][1]["url"].is_null());
  CHECK((*j)["endpoints"][1]["default_url"] == "https://auth.fixture.example/authorize");
  CHECK((*j)["endpoints"][1]["error"] == "unknown endpoint authorize");
  REQUIRE((*j)["sources"].size() == 3);
  CHECK((*j)["sources"][0]["id"] == "fixture_auth");
  CHECK((*j)["sources"][0]["login_target"] == true);
  CHECK((*j)["sources"][1]["kind"] == "env");
  CHECK((*j)["login"]["method"] == "oauth-pkce");
  CHECK((*j)["login"]["oauth"]["redirect_port"] == 54545);
  CHECK((*j)["login"]["options"][0]["name"] == "tenant");
  CHECK((*j)["transport"]["default_model"] == "fixture-model-1");

  const jcode::paths::MapEnv env{{"JCODE_HOME", "/jh"}, {"HOME", "/home/u"}};
  auto t = info_text(reg, "fixture", env);
  REQUIRE(t.ok());
  CHECK(t->find("Fixture (fixture) 1.2.3") != std::string::npos);
  CHECK(t->find("fixture.api = http://127.0.0.1:9999/api.fixture.example  (default https://api.fixture.example)") !=
        std::string::npos);
  CHECK(t->find("fixture.authorize = (unusable: unknown endpoint authorize; requests to it fail until that is fixed; "
                "default https://auth.fixture.example/authorize)") != std::string::npos);
  CHECK(t->find("1. jcode's fixture file  [jcode-file: /jh/fixture-auth.json]  oauth, id fixture_auth, login saves here") !=
        std::string::npos);
  CHECK(t->find("--tenant <value>  Tenant to log in to") != std::string::npos);

  auto missing = info_json(reg, "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().status == JCODE_E_NOT_FOUND);
}
