// Discovery and loading against real fixture plugins: what loads, what is refused and why,
// and that a refusal never takes the good plugins down with it.
#include "support.hpp"

#include <elf.h>

#include <chrono>

using namespace jcode::test;

#define JCODE_ABI_MINOR_TEXT_(x) #x
#define JCODE_ABI_MINOR_TEXT_X(x) JCODE_ABI_MINOR_TEXT_(x)
#define JCODE_ABI_MINOR_TEXT JCODE_ABI_MINOR_TEXT_X(JCODE_ABI_MINOR)

namespace {

// Patches bytes of a copied fixture (e.g. the ELF header) to fake other binaries.
void patch(const fs::path& file, size_t offset, const void* bytes, size_t n) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(n));
}

}  // namespace

TEST_CASE("a good plugin loads, with its declarations copied into PluginInfo") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "fixture");
  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({dir}));
  REQUIRE(reg.skipped().empty());
  REQUIRE(reg.plugins().size() == 1);
  const PluginInfo& i = reg.plugins()[0]->info();
  CHECK(i.id == "fixture");
  CHECK(i.display_name == "Fixture");
  CHECK(i.version == "1.2.3");
  CHECK(i.description == "A test provider");
  CHECK(i.path == dir / "jcode-provider-fixture.so");
  CHECK(i.origin == "test");
  CHECK(i.abi_major == 1);
  CHECK(i.abi_minor == JCODE_ABI_MINOR);
  CHECK(i.roles == (JCODE_ROLE_CREDENTIALS | JCODE_ROLE_LOGIN | JCODE_ROLE_TRANSPORT));
  REQUIRE(i.endpoints.size() == 3);
  CHECK(i.endpoints[0].name == "api");
  CHECK(i.endpoints[0].default_url == "https://api.fixture.example");
  CHECK(i.endpoints[0].description == "the API origin");
  CHECK(i.endpoint("token")->default_url == "https://auth.fixture.example/token");
  REQUIRE(i.sources.size() == 3);
  CHECK(i.sources[0].id == "fixture_auth");
  CHECK(i.sources[0].kind == jcode::model::SourceKind::jcode_file);
  CHECK(i.sources[0].login_target());
  CHECK(i.sources[1].kind == jcode::model::SourceKind::env_var);
  CHECK(i.sources[1].location == "FIXTURE_API_KEY");
  CHECK(i.sources[1].cred_kind == jcode::model::CredentialKind::api_key);
  CHECK(i.sources[2].index == 2);
  CHECK(i.login_target()->id == "fixture_auth");
  REQUIRE(i.login);
  CHECK(i.login->method == LoginMethod::oauth_pkce);
  REQUIRE(i.login->oauth);
  CHECK(i.login->oauth->client_id == "fixture-client");
  CHECK(i.login->oauth->scopes == "openid profile");
  CHECK(i.login->oauth->token_body == jcode::model::TokenBody::json);
  CHECK(i.login->oauth->redirect_kind == jcode::model::RedirectKind::loopback_fixed);
  CHECK(i.login->oauth->redirect_port == 54545);
  CHECK(i.login->oauth->redirect_host == "127.0.0.1");
  CHECK(i.login->oauth->timeout_s == 300);  // 0 in the table means the default
  CHECK(i.login->oauth->extra_authorize_query == "prompt=login");
  CHECK(i.login->oauth->flags == JCODE_OAUTH_F_STATE_IN_TOKEN);
  REQUIRE(i.login->options.size() == 1);
  CHECK(i.login->options[0].name == "tenant");
  CHECK(i.login->has_token_response);
  CHECK(i.login->has_run);
  REQUIRE(i.transport);
  CHECK(i.transport->default_model == "fixture-model-1");
  CHECK(i.transport->tools());
  REQUIRE(i.credentials);
  CHECK(i.credentials->has_serialize);
  CHECK(i.credentials->has_resolve);
}

TEST_CASE("done means: junk, non-ELF, world-writable and wrong-major files are named, good plugins work") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "fixture");
  install(dir, "cppfixture");
  write_file(dir / "jcode-provider-junk.so", std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(40, '\xa5'), 0755);
  write_file(dir / "jcode-provider-text.so", "#!/bin/sh\necho this is not a library\n", 0755);
  auto writable = install(dir, "fixture", "writable");
  ::chmod(writable.c_str(), 0757);
  install(dir, "wrongmajor");
  write_file(dir / "README.txt", "not a plugin name: ignored\n");

  FakeHost host;
  host.endpoints["fixture.api"] = "https://api.test";
  Registry reg(host);
  reg.discover(dirs({dir}));

  REQUIRE(reg.plugins().size() == 2);
  CHECK(reg.find("fixture"));
  CHECK(reg.find("cppfixture"));
  REQUIRE(reg.skipped().size() == 4);
  REQUIRE(skipped(reg, "junk"));
  CHECK(skipped(reg, "junk")->reason.find("not a valid shared object") != std::string::npos);
  REQUIRE(skipped(reg, "text"));
  CHECK(skipped(reg, "text")->reason.find("not an ELF file") != std::string::npos);
  REQUIRE(skipped(reg, "writable"));
  CHECK(skipped(reg, "writable")->reason.find("writable by others") != std::string::npos);
  REQUIRE(skipped(reg, "wrongmajor"));
  CHECK(skipped(reg, "wrongmajor")->reason.find("incompatible") != std::string::npos);
  CHECK(skipped(reg, "wrongmajor")->path == dir / "jcode-provider-wrongmajor.so");

  auto p = reg.instance("fixture");
  REQUIRE(p.ok());
  std::vector<Event> events;
  auto st = (*p)->call_send(ChatRequest{"", "{}"}, nullptr, [&](const Event& e) {
    events.push_back(e);
    return jcode::Status{};
  });
  CHECK(st.ok());
  CHECK(events.size() == 5);

  auto missing = reg.instance("wrongmajor");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().status == JCODE_E_NOT_FOUND);
  CHECK(missing.error().message.find("incompatible") != std::string::npos);
}

TEST_CASE("each refusal reason has its own message") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  FakeHost host;

  struct Case {
    const char* id;
    const char* expect;
  };
  for (const Case& c : {Case{"noentry", "missing entry symbol jcode_plugin_entry"},
                        Case{"entryerror", "entry point failed: provider 'entryerror': fixture: the entry point refuses to start"},
                        Case{"badminor", "answered ABI minor 7, above the newest this host offered (" JCODE_ABI_MINOR_TEXT ")"},
                        Case{"badtable", "invalid plugin table: the transport table does not match ROLE_TRANSPORT"},
                        Case{"idmismatch", "id 'other' does not match the file name's id 'idmismatch'"},
                        Case{"cppentrythrows", "a C++ exception escaped jcode_plugin_entry"},
                        Case{"wrongmajor", "does not serve ABI 1.x"}}) {
    CAPTURE(c.id);
    install(dir, c.id);
  }
  Registry reg(host);
  reg.discover(dirs({dir}));
  CHECK(reg.plugins().empty());
  for (const Case& c : {Case{"noentry", "missing entry symbol jcode_plugin_entry"},
                        Case{"entryerror", "entry point failed: provider 'entryerror': fixture: the entry point refuses to start"},
                        Case{"badminor", "answered ABI minor 7, above the newest this host offered (" JCODE_ABI_MINOR_TEXT ")"},
                        Case{"badtable", "invalid plugin table: the transport table does not match ROLE_TRANSPORT"},
                        Case{"idmismatch", "id 'other' does not match the file name's id 'idmismatch'"},
                        Case{"cppentrythrows", "a C++ exception escaped jcode_plugin_entry"},
                        Case{"wrongmajor", "does not serve ABI 1.x"}}) {
    CAPTURE(c.id);
    const SkippedFile* s = skipped(reg, c.id);
    REQUIRE(s);
    CHECK_MESSAGE(s->reason.find(c.expect) != std::string::npos, s->reason);
  }
}

TEST_CASE("a plugin whose minor is older than the host accepts is refused") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "fixture");
  FakeHost host;
  Registry reg(host, LoadOptions{.abi_minor_min = JCODE_ABI_MINOR + 1, .abi_minor_max = JCODE_ABI_MINOR + 2});
  reg.discover(dirs({dir}));
  REQUIRE(skipped(reg, "fixture"));
  const std::string why = "ABI minor too old: the plugin serves 1." + std::to_string(JCODE_ABI_MINOR) +
                          ", this host needs at least 1." + std::to_string(JCODE_ABI_MINOR + 1);
  CHECK(skipped(reg, "fixture")->reason.find(why) != std::string::npos);
}

TEST_CASE("ELF files for another machine, class or type are refused before dlopen") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  auto arm = install(dir, "fixture", "arm");
#if defined(__aarch64__)
  const uint16_t foreign = EM_X86_64;
#else
  const uint16_t foreign = EM_AARCH64;
#endif
  patch(arm, offsetof(Elf64_Ehdr, e_machine), &foreign, 2);
  auto cls = install(dir, "fixture", "class32");
  const unsigned char c32 = ELFCLASS32;
  patch(cls, EI_CLASS, &c32, 1);
  auto exe = install(dir, "fixture", "exec");
  const uint16_t et_exec = ET_EXEC;
  patch(exe, offsetof(Elf64_Ehdr, e_type), &et_exec, 2);
  auto stripped = install(dir, "fixture", "badsections");
  const uint64_t far = uint64_t{1} << 40;
  patch(stripped, offsetof(Elf64_Ehdr, e_shoff), &far, 8);

  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({dir}));
  CHECK(reg.plugins().empty());
  REQUIRE(skipped(reg, "arm"));
  CHECK(skipped(reg, "arm")->reason.find("wrong architecture: built for") != std::string::npos);
  REQUIRE(skipped(reg, "class32"));
  CHECK(skipped(reg, "class32")->reason.find("wrong architecture: a 32-bit ELF file") != std::string::npos);
  REQUIRE(skipped(reg, "exec"));
  CHECK(skipped(reg, "exec")->reason.find("not a shared object (ELF type 2)") != std::string::npos);
  REQUIRE(skipped(reg, "badsections"));
  CHECK(skipped(reg, "badsections")->reason.find("bad section header table") != std::string::npos);
}

TEST_CASE("a stripped plugin (only .dynsym left) still loads") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  auto so = dir / "jcode-provider-fixture.so";
  std::string cmd = "strip --strip-all -o '" + so.string() + "' '" + fixture("fixture").string() + "'";
  if (std::system(cmd.c_str()) != 0) {
    MESSAGE("strip is not available; skipped");
    return;
  }
  ::chmod(so.c_str(), 0755);
  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({dir}));
  CHECK(reg.skipped().empty());
  CHECK(reg.find("fixture"));
}

TEST_CASE("unsafe files and directories are refused: modes, owners, symlinks") {
  TempDir tmp;
  FakeHost host;

  auto dir = tmp.dir("plugins");
  auto group = install(dir, "fixture", "groupw");
  ::chmod(group.c_str(), 0775);
  fs::create_symlink(fixture("fixture"), dir / "jcode-provider-fixture.so");
  if (::geteuid() == 0) {
    auto foreign = install(dir, "cppfixture");
    REQUIRE(::chown(foreign.c_str(), 65534, 65534) == 0);
  }

  auto open_dir = tmp.dir("open");
  install(open_dir, "frozen10");
  ::chmod(open_dir.c_str(), 0777);

  Registry reg(host);
  reg.discover(dirs({dir, open_dir}));
  CHECK(reg.plugins().empty());
  REQUIRE(skipped(reg, "groupw"));
  CHECK(skipped(reg, "groupw")->reason.find("writable by its group") != std::string::npos);
  REQUIRE(skipped(reg, "fixture"));
  CHECK(skipped(reg, "fixture")->reason.find("symbolic link") != std::string::npos);
  if (::geteuid() == 0) {
    REQUIRE(skipped(reg, "cppfixture"));
    CHECK(skipped(reg, "cppfixture")->reason.find("owned by uid 65534") != std::string::npos);
  }
  REQUIRE(skipped(reg, "frozen10"));
  CHECK(skipped(reg, "frozen10")->reason.find("unsafe plugin directory") != std::string::npos);
  CHECK(skipped(reg, "frozen10")->reason.find("writable by others") != std::string::npos);
}

TEST_CASE("first match per id wins; duplicates are warned about") {
  TempDir tmp;
  auto first = tmp.dir("first");
  auto second = tmp.dir("second");
  install(first, "fixture");
  install(second, "fixture");
  install(second, "cppfixture");
  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({first, second}));
  REQUIRE(reg.plugins().size() == 2);
  CHECK(reg.find("fixture")->path == first / "jcode-provider-fixture.so");
  REQUIRE(skipped(reg, "fixture"));
  CHECK(skipped(reg, "fixture")->path == second / "jcode-provider-fixture.so");
  CHECK(skipped(reg, "fixture")->reason.find("duplicate id 'fixture'") != std::string::npos);
  CHECK(reg.warnings().empty());  // a shadowed copy is normal: listed as skipped, not warned about
}

TEST_CASE("a refused file does not hide a good one with the same id later in the path") {
  TempDir tmp;
  auto first = tmp.dir("first");
  auto second = tmp.dir("second");
  auto bad = install(first, "fixture");
  ::chmod(bad.c_str(), 0666);
  install(second, "fixture");
  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({first, second}));
  REQUIRE(reg.find("fixture"));
  CHECK(reg.find("fixture")->path == second / "jcode-provider-fixture.so");
  CHECK(reg.skipped().size() == 1);
}

TEST_CASE("[plugins] enable_only and disable") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "fixture");
  install(dir, "cppfixture");
  install(dir, "frozen10");
  FakeHost host;
  {
    Registry reg(host);
    reg.discover(dirs({dir}), PluginFilter{{}, {"cppfixture"}});
    CHECK(reg.plugins().size() == 2);
    REQUIRE(skipped(reg, "cppfixture"));
    CHECK(skipped(reg, "cppfixture")->reason == "disabled by [plugins] disable in the config");
  }
  {
    Registry reg(host);
    reg.discover(dirs({dir}), PluginFilter{{"fixture"}, {}});
    CHECK(reg.plugins().size() == 1);
    CHECK(reg.find("fixture"));
    REQUIRE(skipped(reg, "frozen10"));
    CHECK(skipped(reg, "frozen10")->reason == "not in [plugins] enable_only in the config");
  }
}

TEST_CASE("missing and unreadable directories are not errors") {
  TempDir tmp;
  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({tmp.path() / "does-not-exist", tmp.path()}));
  CHECK(reg.plugins().empty());
  CHECK(reg.skipped().empty());
  CHECK(reg.warnings().empty());
  auto r = reg.instance("claude");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().status == JCODE_E_NOT_FOUND);
  CHECK(r.error().message.find("provider 'claude' is not installed (installed: none); it ships as the package "
                               "jcode-provider-claude") == 0);
}

TEST_CASE("create runs lazily, once; its failure is a clear error") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "createerror");
  install(dir, "cppcreatethrows");
  install(dir, "heap");
  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({dir}));
  REQUIRE(reg.plugins().size() == 3);
  CHECK(host.logs.empty());  // discovery ran entry points only: no create()

  auto a = reg.instance("createerror");
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().status == JCODE_E_IO);
  CHECK(a.error().message == "cannot start provider 'createerror': fixture: cannot read its settings (create refuses)");
  auto again = reg.instance("createerror");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message == a.error().message);

  auto b = reg.instance("cppcreatethrows");
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().status == JCODE_E_INTERNAL);
  CHECK(b.error().message.find("the constructor throws on purpose") != std::string::npos);

  auto c = reg.instance("heap");
  REQUIRE(c.ok());
  CHECK(host.logs.size() == 1);  // create() logged once
  auto c2 = reg.instance("heap");
  REQUIRE(c2.ok());
  CHECK(*c2 == *c);
  CHECK(host.logs.size() == 1);
}

TEST_CASE("loading is fast: entry only, no create") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  for (const char* id : {"fixture", "frozen10", "future", "cppfixture", "heap", "createerror", "cppcreatethrows"})
    install(dir, id);
  FakeHost host;
  Registry reg(host);
  reg.discover(dirs({dir}));
  CHECK(reg.plugins().size() == 7);
  MESSAGE("discovering 7 plugins took " << reg.discovery_time().count() << " us");
  // Generous: sanitizer builds on a shared CI box. The real budget is a few ms for ten.
  CHECK(reg.discovery_time() < std::chrono::milliseconds(500));
}

TEST_CASE("discover(SearchPlan) keeps the plan's warnings") {
  TempDir tmp;
  auto dir = tmp.dir("plugins");
  install(dir, "fixture");
  SearchInputs in;
  in.plugin_path = dir.string() + ":relative";
  auto plan = search_dirs(in);
  FakeHost host;
  Registry reg(host);
  reg.discover(plan);
  CHECK(reg.find("fixture"));
  CHECK(reg.find("fixture")->origin == "JCODE_PLUGIN_PATH");
  REQUIRE(reg.warnings().size() == 1);
  CHECK(reg.warnings()[0].find("'relative' is ignored") != std::string::npos);
}
