// Which provider a prompt goes to: --provider, else the config's default_provider, else the
// first provider with a usable credential. Runs against the providers built in this tree,
// with credentials given only through a sandboxed environment.
#include "app/context.hpp"
#include "app/provider_select.hpp"

#include <jcode/paths/env.hpp>

#include "temp_home.hpp"

#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace stdfs = std::filesystem;
using namespace jcode;

namespace {

struct TempHome : unit_test::TempHome {
  void default_provider(const std::string& id) const {
    write_config("[provider]\ndefault_provider = \"" + id + "\"\n");
  }
};

constexpr const char* kAnthropicKey = "sk-ant-api03-unit-test-key-0123456789";
constexpr const char* kOpenAiKey = "sk-proj-unit-test-key-0123456789";

app::GlobalOptions with_provider(std::string id) {
  app::GlobalOptions g;
  g.provider = std::move(id);
  return g;
}

}  // namespace

TEST_CASE("provider selection: the config's default_provider wins over auto-detection") {
  TempHome home;
  home.env.set("ANTHROPIC_API_KEY", kAnthropicKey);
  home.env.set("OPENAI_API_KEY", kOpenAiKey);
  home.default_provider("openai");
  app::Context ctx({}, home.env);
  auto sel = app::select_provider(ctx);
  REQUIRE_MESSAGE(sel.ok(), sel.error().message);
  CHECK(sel->plugin->id() == "openai");
  CHECK(static_cast<bool>(sel->credentials));
  CHECK(sel->source_label.find("OPENAI_API_KEY") != std::string::npos);
}

TEST_CASE("provider selection: --provider wins over the config's default_provider") {
  TempHome home;
  home.env.set("ANTHROPIC_API_KEY", kAnthropicKey);
  home.env.set("OPENAI_API_KEY", kOpenAiKey);
  home.default_provider("openai");
  app::Context ctx(with_provider("anthropic-api"), home.env);
  auto sel = app::select_provider(ctx);
  REQUIRE_MESSAGE(sel.ok(), sel.error().message);
  CHECK(sel->plugin->id() == "anthropic-api");
}

TEST_CASE("provider selection: a default_provider without credentials is an error, not a fallback") {
  TempHome home;
  home.env.set("ANTHROPIC_API_KEY", kAnthropicKey);
  home.default_provider("openai");
  app::Context ctx({}, home.env);
  auto sel = app::select_provider(ctx);
  REQUIRE_FALSE(sel.ok());
  CHECK(sel.error().status == JCODE_E_AUTH_REQUIRED);
  CHECK(sel.error().message.find("openai") != std::string::npos);
}

TEST_CASE("provider selection: an unknown default_provider is not found") {
  TempHome home;
  home.env.set("ANTHROPIC_API_KEY", kAnthropicKey);
  home.default_provider("no-such-provider");
  app::Context ctx({}, home.env);
  auto sel = app::select_provider(ctx);
  REQUIRE_FALSE(sel.ok());
  CHECK(sel.error().status == JCODE_E_NOT_FOUND);
  CHECK(sel.error().message.find("no-such-provider") != std::string::npos);
}

TEST_CASE("provider selection: without a choice, the provider that has a credential") {
  TempHome home;
  home.env.set("ANTHROPIC_API_KEY", kAnthropicKey);
  app::Context ctx({}, home.env);
  auto sel = app::select_provider(ctx);
  REQUIRE_MESSAGE(sel.ok(), sel.error().message);
  CHECK(sel->plugin->id() == "anthropic-api");
}

TEST_CASE("provider selection: no choice and no credential anywhere") {
  TempHome home;
  app::Context ctx({}, home.env);
  auto sel = app::select_provider(ctx);
  REQUIRE_FALSE(sel.ok());
  CHECK(sel.error().status == JCODE_E_AUTH_REQUIRED);
  CHECK(sel.error().message.find("no provider has usable credentials") != std::string::npos);
}
