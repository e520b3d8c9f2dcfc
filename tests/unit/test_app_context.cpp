// app::Context: the config and the plugin registry are built on first use, once, and a
// broken config.toml is an error from whatever needs it (never a crash, never a rewrite).
#include "app/context.hpp"

#include <jcode/paths/env.hpp>

#include "temp_home.hpp"

#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace stdfs = std::filesystem;
using namespace jcode;

namespace {

using unit_test::TempHome;

}  // namespace

TEST_CASE("context: a malformed config.toml fails config() and registry(), naming the file") {
  TempHome home;
  home.write_config("[provider\ndefault_provider = \n");
  app::Context ctx({}, home.env);  // nothing is read yet
  auto cfg = ctx.config();
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.error().message.find(home.config_path().string()) != std::string::npos);
  auto reg = ctx.registry();
  REQUIRE_FALSE(reg.ok());
  CHECK(reg.error().status == cfg.error().status);
  CHECK(reg.error().message == cfg.error().message);
  // Never rewritten.
  std::ifstream in(home.config_path());
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "[provider\ndefault_provider = \n");
}

TEST_CASE("context: config.toml is read on first use and once") {
  TempHome home;
  app::Context ctx({}, home.env);
  // Written after construction: still seen, as the file is only read by config().
  home.write_config("[provider]\ndefault_provider = \"openai\"\n");
  auto first = ctx.config();
  REQUIRE(first.ok());
  CHECK((*first)->default_provider() == "openai");
  home.write_config("[provider]\ndefault_provider = \"claude\"\n");
  auto second = ctx.config();
  REQUIRE(second.ok());
  CHECK(*second == *first);
  CHECK((*second)->default_provider() == "openai");
}

TEST_CASE("context: an unusable JCODE_HOME fails config() and registry(), naming the variable") {
  TempHome home;
  home.env.set("JCODE_HOME", "relative/jcode-home");
  app::Context ctx({}, home.env);
  CHECK_FALSE(ctx.jcode_home().ok());
  auto cfg = ctx.config();
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.error().status == JCODE_E_INVALID_ARG);
  CHECK(cfg.error().message.find("JCODE_HOME") != std::string::npos);
  auto reg = ctx.registry();
  REQUIRE_FALSE(reg.ok());
  CHECK(reg.error().message == cfg.error().message);
}

TEST_CASE("context: the registry follows [plugins] enable_only and is discovered once") {
  TempHome home;
  home.write_config("[plugins]\nenable_only = [\"openai\"]\n");
  app::Context ctx({}, home.env);
  auto reg = ctx.registry();
  REQUIRE(reg.ok());
  std::set<std::string> ids;
  for (const auto& p : (*reg)->plugins()) ids.insert(p->id());
  CHECK(ids == std::set<std::string>{"openai"});
  auto again = ctx.registry();
  REQUIRE(again.ok());
  CHECK(*again == *reg);
}
