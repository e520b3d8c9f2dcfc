// ABI 1.3: one library, several providers. The catalogue fixture declares rows; each becomes
// a provider with its own host context (its own id, endpoints, sources) and its own
// instance; a plugin file of a row's id wins over the row; a bad row costs only itself; an
// older host sees only the library's own provider; profiles of the library's type become
// providers too.
#include "support.hpp"

#include <algorithm>

using namespace jcode::test;

namespace {

std::string provider_of(Plugin& p) {
  std::string info;
  auto st = p.call_send(ChatRequest{"", "{}"}, nullptr, [&](const Event& e) {
    if (info.empty()) info = e.text;  // the THINKING event comes first
    return jcode::Status{};
  });
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message));
  return info;
}

bool skipped_with(const Registry& reg, const std::string& id, const std::string& why) {
  return std::any_of(reg.skipped().begin(), reg.skipped().end(), [&](const SkippedFile& s) {
    return s.id == id && s.reason.find(why) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("each declared provider is a provider of its own, with its own context and instance") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "catalogue");
  FakeHost host;
  host.endpoints["catalogue.api"] = "https://api.test";
  host.endpoints["fixture-row-a.api"] = "https://row-a.test";
  host.endpoints["fixture-row-local.api"] = "https://row-local.test";
  Registry reg(host);
  reg.discover(dirs({dir}));

  const PluginInfo* a = reg.find("fixture-row-a");
  REQUIRE(a);
  CHECK(a->display_name == "Fixture row A");
  CHECK(a->library_id == "catalogue");
  CHECK(a->path == reg.find("catalogue")->path);
  REQUIRE(a->endpoints.size() == 1);
  CHECK(a->endpoints[0].default_url == "https://row-a.fixture.example");
  REQUIRE(a->sources.size() == 1);
  CHECK(a->sources[0].id == "row_a_env");
  REQUIRE(a->transport);
  CHECK(a->transport->default_model == "row-a-model");
  CHECK_FALSE(a->credential_optional);
  REQUIRE(reg.find("fixture-row-local"));
  CHECK(reg.find("fixture-row-local")->credential_optional);
  CHECK(reg.find("fixture-row-local")->transport->default_model == "fixture-model-1");  // the library's
  // The library itself is unchanged.
  CHECK(reg.find("catalogue")->library_id.empty());
  CHECK(reg.find("catalogue")->sources.size() == 3);
  // A row is not its library's id twice, and an invalid one is skipped with the reason.
  CHECK(skipped_with(reg, "catalogue", "invalid provider declaration"));

  auto row = reg.instance("fixture-row-a");
  REQUIRE(row.ok());
  CHECK(provider_of(**row) == "minor=3 is_cancelled=yes provider=fixture-row-a");
  CHECK(host.requests.back().url == "https://row-a.test/v1/echo");
  auto lib = reg.instance("catalogue");
  REQUIRE(lib.ok());
  CHECK(provider_of(**lib) == "minor=3 is_cancelled=yes provider=catalogue");
  CHECK(host.requests.back().url == "https://api.test/v1/echo");
  CHECK(*row != *lib);
}

TEST_CASE("a plugin file of a row's id wins over the row, wherever it is found") {
  TempDir tmp;
  auto first = tmp.dir("first");
  auto later = tmp.dir("later");
  install(first, "catalogue");
  install(later, "fixture");  // serves "fixture", which the catalogue also declares as a row
  FakeHost host;
  host.endpoints["fixture.api"] = "https://api.test";
  Registry reg(host);
  reg.discover(dirs({first, later}));
  const PluginInfo* f = reg.find("fixture");
  REQUIRE(f);
  CHECK(f->library_id.empty());
  CHECK(f->path.parent_path() == later);
  CHECK(skipped_with(reg, "fixture", "a provider's own plugin wins over a catalogue entry"));
}

TEST_CASE("[plugins] disable applies to one row alone") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "catalogue");
  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({dir}), PluginFilter{{}, {"fixture-row-a"}});
  CHECK_FALSE(reg.find("fixture-row-a"));
  CHECK(reg.find("fixture-row-local"));
  CHECK(reg.find("catalogue"));
  CHECK(skipped_with(reg, "fixture-row-a", "disabled"));
}

TEST_CASE("a 1.2 host sees only the library's own provider") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "catalogue");
  FakeHost host;
  host.endpoints["catalogue.api"] = "https://api.test";
  Registry reg(host, LoadOptions{.abi_minor_min = 0, .abi_minor_max = 2});
  reg.discover(dirs({dir}));
  REQUIRE(reg.find("catalogue"));
  CHECK(reg.find("catalogue")->abi_minor == 2);
  CHECK_FALSE(reg.find("fixture-row-a"));
  auto lib = reg.instance("catalogue");
  REQUIRE(lib.ok());
  CHECK(provider_of(**lib) == "minor=2 is_cancelled=yes");  // no provider_id asked of an older host
}

TEST_CASE("profiles of the library's type become providers; the others say why not") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "catalogue");
  FakeHost host;
  host.endpoints["my-server.api"] = "https://my.server.test/v1";
  Registry reg(host);
  reg.discover(dirs({dir}));
  reg.add_profiles({ProfileSpec{"my-server", "fixture-dialect", "https://my.server.test/v1", "MY_SERVER_KEY",
                                "provider-my-server.env", "big-model", "[providers.my-server] in config.toml"},
                    ProfileSpec{"keyless", "fixture-dialect", "http://127.0.0.1:9/v1", "", "", "", "[providers.keyless]"},
                    ProfileSpec{"other", "no-such-dialect", "https://x.test", "", "", "", "[providers.other]"},
                    ProfileSpec{"fixture-row-a", "fixture-dialect", "https://x.test", "", "", "", "[providers.fixture-row-a]"},
                    ProfileSpec{"untyped", "", "https://x.test", "", "", "", "[providers.untyped]"}});
  const PluginInfo* p = reg.find("my-server");
  REQUIRE(p);
  CHECK(p->profile);
  CHECK(p->library_id == "catalogue");
  REQUIRE(p->endpoints.size() == 1);
  CHECK(p->endpoints[0].default_url == "https://my.server.test/v1");
  REQUIRE(p->sources.size() == 2);
  CHECK(p->sources[0].id == "profile_api_key_env");
  CHECK(p->sources[1].id == "profile_env_file");
  CHECK(p->transport->default_model == "big-model");
  const PluginInfo* k = reg.find("keyless");
  REQUIRE(k);
  CHECK(k->sources.empty());
  CHECK_FALSE(k->login);
  auto inst = reg.instance("my-server");
  REQUIRE(inst.ok());
  CHECK(provider_of(**inst) == "minor=3 is_cancelled=yes provider=my-server");
  CHECK(host.requests.back().url == "https://my.server.test/v1/v1/echo");

  auto why = [&](const std::string& name) {
    for (const auto& s : reg.skipped_profiles())
      if (s.name == name) return s.reason;
    return std::string();
  };
  CHECK(why("other").find("no installed plugin runs profiles of type 'no-such-dialect'") != std::string::npos);
  CHECK(why("fixture-row-a").find("is also an installed provider") != std::string::npos);
  CHECK(why("untyped").find("no installed plugin runs profiles") != std::string::npos);  // no UNTYPED flag
  CHECK(reg.untyped_profile_runner() == nullptr);
}
