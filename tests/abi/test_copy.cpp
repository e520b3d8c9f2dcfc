// Under AddressSanitizer: the host copies every string a plugin hands it. The heap fixture
// frees each string right after the call that handed it over, and frees its declaration
// strings once discovery is done; any pointer the host kept is a heap-use-after-free.
#include "support.hpp"

#include <dlfcn.h>

using namespace jcode::test;

TEST_CASE("the host copies declarations, credentials, messages, sink data and events") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  auto so = install(dir, "heap");
  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({dir}));
  REQUIRE(reg.find("heap"));

  // Free (and so poison) the declaration strings the plugin handed over at discovery.
  void* handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_NOLOAD);
  REQUIRE_MESSAGE(handle != nullptr, "the loaded fixture should be found by path");
  auto release = reinterpret_cast<void (*)()>(::dlsym(handle, "fixture_heap_release"));
  const bool exported = release != nullptr;
  REQUIRE_MESSAGE(exported, "fixture_heap_release is exported");
  release();
  ::dlclose(handle);  // drops our extra reference only; the library stays resident

  const PluginInfo& info = *reg.find("heap");
  CHECK(info.id == "heap");
  CHECK(info.display_name == "Heap fixture");
  CHECK(info.version == "9.9.9");
  CHECK(info.description == "frees what it hands over");
  REQUIRE(info.endpoints.size() == 1);
  CHECK(info.endpoints[0].name == "api");
  CHECK(info.endpoints[0].default_url == "https://heap.fixture.example");
  REQUIRE(info.sources.size() == 1);
  CHECK(info.sources[0].id == "heap_file");
  CHECK(info.sources[0].location == "heap.json");
  CHECK(info.sources[0].label == "Heap file");

  auto p = reg.instance("heap");  // create() logs a heap string
  REQUIRE(p.ok());
  REQUIRE(host.logs.size() == 1);
  CHECK(host.logs[0] == "heap: heap fixture created");

  auto cred = (*p)->call_parse(info.sources[0], "anything");
  REQUIRE(cred.ok());
  CHECK(cred->access_token == "heap-access-token");
  CHECK(cred->refresh_token == "heap-refresh-token");
  CHECK(cred->id_token == "heap-id-token");
  CHECK(cred->account_id == "heap-account");
  CHECK(cred->email == "heap@fixture.example");
  CHECK(cred->extra == R"({"project":"heap"})");

  auto bad = (*p)->call_parse(info.sources[0], "bad");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "provider 'heap': heap fixture: malformed content");

  auto ser = (*p)->call_serialize(info.sources[0], "", &*cred);
  REQUIRE(ser.ok());
  CHECK(*ser == R"({"heap":true})");

  std::vector<Event> events;
  auto st = (*p)->call_send(ChatRequest{"", "{}"}, nullptr, [&](const Event& e) {
    events.push_back(e);
    return jcode::Status{};
  });
  REQUIRE(st.ok());
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == EventType::tool_call_end);
  CHECK(events[0].text == "heap text");
  CHECK(events[0].id == "toolu_heap");
  CHECK(events[0].name == "heap_tool");
  CHECK(events[0].json == R"({"a":1})");
  CHECK(events[0].index == 3);
  REQUIRE(host.notes.size() == 1);
  CHECK(host.notes[0] == "heap fixture notice");
  CHECK(host.state.at("state-key") == "state-value");
}
