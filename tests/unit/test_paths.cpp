#include <jcode/paths/paths.hpp>

#include <doctest/doctest.h>

using jcode::paths::MapEnv;

TEST_CASE("jcode_home: JCODE_HOME wins, else ~/.jcode; relative JCODE_HOME is an error") {
  MapEnv env({{"HOME", "/home/u"}});
  CHECK(*jcode::paths::jcode_home(env) == "/home/u/.jcode");
  env.set("JCODE_HOME", "/tmp/jh/");
  CHECK(*jcode::paths::jcode_home(env) == "/tmp/jh/");
  env.set("JCODE_HOME", "");
  CHECK(*jcode::paths::jcode_home(env) == "/home/u/.jcode");  // empty = unset
  env.set("JCODE_HOME", "rel/dir");
  auto r = jcode::paths::jcode_home(env);
  REQUIRE(!r.ok());
  CHECK(r.error().status == JCODE_E_INVALID_ARG);
  CHECK(r.error().message.find("JCODE_HOME") != std::string::npos);
}

TEST_CASE("app_config_dir: JCODE_HOME sandbox, then XDG_CONFIG_HOME, then ~/.config") {
  MapEnv env({{"HOME", "/home/u"}});
  CHECK(*jcode::paths::app_config_dir(env) == "/home/u/.config/jcode");
  env.set("XDG_CONFIG_HOME", "/xdg/cfg");
  CHECK(*jcode::paths::app_config_dir(env) == "/xdg/cfg/jcode");
  env.set("XDG_CONFIG_HOME", "relative/cfg");  // invalid per the XDG spec: ignored
  CHECK(*jcode::paths::app_config_dir(env) == "/home/u/.config/jcode");
  env.set("XDG_CONFIG_HOME", "/xdg/cfg");
  env.set("JCODE_HOME", "/sandbox");
  CHECK(*jcode::paths::app_config_dir(env) == "/sandbox/config/jcode");
}

TEST_CASE("data_home: XDG_DATA_HOME else ~/.local/share") {
  MapEnv env({{"HOME", "/home/u"}});
  CHECK(*jcode::paths::data_home(env) == "/home/u/.local/share");
  env.set("XDG_DATA_HOME", "/data");
  CHECK(*jcode::paths::data_home(env) == "/data");
}

TEST_CASE("home_dir falls back to the passwd entry when HOME is unset") {
  MapEnv env;
  auto h = jcode::paths::home_dir(env);
  REQUIRE(h.ok());
  CHECK(h->is_absolute());
  env.set("HOME", "not/absolute");
  CHECK(!jcode::paths::home_dir(env).ok());
}

TEST_CASE("expand_user") {
  MapEnv env({{"HOME", "/home/u"}});
  CHECK(*jcode::paths::expand_user("~", env) == "/home/u");
  CHECK(*jcode::paths::expand_user("~/.codex/auth.json", env) == "/home/u/.codex/auth.json");
  CHECK(*jcode::paths::expand_user("/etc/x", env) == "/etc/x");
  CHECK(!jcode::paths::expand_user("~bob/x", env).ok());
  CHECK(!jcode::paths::expand_user("relative", env).ok());
  auto up = jcode::paths::expand_user("~/../etc/passwd", env);
  REQUIRE(!up.ok());
  CHECK(up.error().message.find("..") != std::string::npos);
}

TEST_CASE("external_path maps ~ under $JCODE_HOME/external when sandboxed") {
  MapEnv env({{"HOME", "/home/u"}});
  CHECK(*jcode::paths::external_path("~/.claude/.credentials.json", env) == "/home/u/.claude/.credentials.json");
  env.set("JCODE_HOME", "/sb");
  CHECK(*jcode::paths::external_path("~/.claude/.credentials.json", env) == "/sb/external/.claude/.credentials.json");
  CHECK(*jcode::paths::external_path("/abs/file", env) == "/abs/file");
}

TEST_CASE("the process env reads real variables") {
  CHECK(jcode::paths::process_env().get("JCODE_SURELY_UNSET_VARIABLE_42") == std::nullopt);
  CHECK(jcode::paths::process_env().get("PATH").has_value());
}
