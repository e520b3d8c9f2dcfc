// Compatibility across versions: a plugin built against the frozen 1.0 header works with
// this host; a plugin newer than the host (or a host older than the plugin: lower minor,
// shorter host table) degrades instead of crashing.
#include "support.hpp"

#include <cstddef>

using namespace jcode::test;

namespace {

std::vector<Event> send(Plugin& p) {
  std::vector<Event> events;
  auto st = p.call_send(ChatRequest{"", "{}"}, nullptr, [&](const Event& e) {
    events.push_back(e);
    return jcode::Status{};
  });
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message));
  return events;
}

}  // namespace

TEST_CASE("a plugin built against each frozen header (1.0 to 1.3) loads and round-trips") {
  const std::pair<const char*, uint32_t> frozen[] = {{"frozen10", 0}, {"frozen11", 1}, {"frozen12", 2}, {"frozen13", 3}};
  for (const auto& [id, minor] : frozen) {
    CAPTURE(id);
    TempDir tmp;
    auto dir = tmp.dir("plugins");
    install(dir, id);
    FakeHost host;
    host.endpoints[std::string(id) + ".api"] = "https://api.test";
    Registry reg(host);
    reg.discover(dirs({dir}));
    REQUIRE(reg.find(id));
    CHECK(reg.find(id)->abi_minor == minor);
    auto p = reg.instance(id);
    REQUIRE(p.ok());
    auto cred = (*p)->call_parse(*reg.find(id)->source("fixture_auth"), "token=old-but-fine");
    REQUIRE(cred.ok());
    CHECK(cred->access_token == "old-but-fine");
    auto events = send(**p);
    REQUIRE(events.size() == 5);
    CHECK(events[2].text == "echo-body");
  }
}

TEST_CASE("the shipped C example built from the released 1.0 header loads in today's host and answers") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "echo");
  FakeHost host;
  host.endpoints["echo.api"] = "https://api.test";
  Registry reg(host);
  reg.discover(dirs({dir}));
  REQUIRE_MESSAGE(reg.find("echo"), (reg.skipped().empty() ? std::string() : reg.skipped()[0].reason));
  CHECK(reg.find("echo")->abi_minor == 0);
  CHECK_FALSE(reg.find("echo")->config_keys.has_value());  // a 1.0 table has no settings: none checked
  auto p = reg.instance("echo");
  REQUIRE_MESSAGE(p.ok(), p.error().message);
}

TEST_CASE("negotiation: the plugin answers min(its minor, the host's newest)") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "future");  // implements minor 4, newer than any host here
  FakeHost host;
  host.endpoints["future.api"] = "https://api.test";

  SUBCASE("a 1.0 host gets 1.0") {
    Registry reg(host, LoadOptions{.abi_minor_min = 0, .abi_minor_max = 0});
    reg.discover(dirs({dir}));
    REQUIRE(reg.find("future"));
    CHECK(reg.find("future")->abi_minor == 0);
    auto p = reg.instance("future");
    REQUIRE(p.ok());
    CHECK(send(**p)[0].text == "minor=0 is_cancelled=yes");
  }
  SUBCASE("a host offering 1.1 gets 1.1") {
    Registry reg(host, LoadOptions{.abi_minor_min = 0, .abi_minor_max = 1});
    reg.discover(dirs({dir}));
    REQUIRE(reg.find("future"));
    CHECK(reg.find("future")->abi_minor == 1);
  }
}

TEST_CASE("an older host (shorter host table) makes the plugin degrade, not crash") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "future");
  install(dir, "fixture");
  FakeHost host;
  host.endpoints["future.api"] = "https://api.test";
  host.endpoints["fixture.api"] = "https://api.test";
  host.cancelled = true;  // a plugin that still called is_cancelled would stop with CANCELLED
  // Pretend to be a host whose table ends before is_cancelled.
  Registry reg(host, LoadOptions{.abi_minor_min = 0, .abi_minor_max = 0,
                                 .host_api_size = static_cast<uint32_t>(offsetof(jcode_host_api, is_cancelled))});
  reg.discover(dirs({dir}));
  for (const char* id : {"future", "fixture"}) {
    CAPTURE(id);
    auto p = reg.instance(id);
    REQUIRE(p.ok());
    auto events = send(**p);
    REQUIRE(events.size() == 5);
    CHECK(events[0].text == "minor=0 is_cancelled=absent");
  }
}
