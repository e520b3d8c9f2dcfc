// The Antigravity CLI settings, argv and Code Assist fingerprint.
#include "settings.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace jcode::antigravity;

namespace {
EnvLookup env_of(std::map<std::string, std::string> m) {
  return [m](std::string_view k) -> std::optional<std::string> {
    auto it = m.find(std::string(k));
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}
}  // namespace

TEST_CASE("defaults, overrides and the argv") {
  CliSettings d = cli_settings(env_of({}), "");
  CHECK(d.path == "antigravity");
  CHECK(d.model == "default");
  CHECK(cli_args(d, "hi") == std::vector<std::string>{"-p", "hi"});
  CliSettings o = cli_settings(env_of({{"JCODE_ANTIGRAVITY_CLI_PATH", "/opt/ag"}, {"JCODE_ANTIGRAVITY_MODEL", "gemini-3-pro"},
                                       {"JCODE_ANTIGRAVITY_PROMPT_FLAG", "--prompt"}, {"JCODE_ANTIGRAVITY_MODEL_FLAG", "-m"}}),
                               "");
  CHECK(o.error.empty());
  CHECK(cli_args(o, "hi") == std::vector<std::string>{"--prompt", "hi", "-m", "gemini-3-pro"});
  CHECK(cli_settings(env_of({{"JCODE_ANTIGRAVITY_MODEL", "x"}}), "claude-sonnet").model == "claude-sonnet");
}

TEST_CASE("unusable settings name the variable and the fix") {
  CHECK(cli_settings(env_of({{"JCODE_ANTIGRAVITY_MODEL", "--evil"}}), "").error.find("JCODE_ANTIGRAVITY_MODEL") != std::string::npos);
  CHECK(cli_settings(env_of({{"JCODE_ANTIGRAVITY_PROMPT_FLAG", "p"}}), "").error.find("JCODE_ANTIGRAVITY_PROMPT_FLAG") != std::string::npos);
  CHECK(cli_settings(env_of({{"JCODE_ANTIGRAVITY_CLI_TIMEOUT_S", "soon"}}), "").error.find("JCODE_ANTIGRAVITY_CLI_TIMEOUT_S") != std::string::npos);
  CHECK(cli_settings(env_of({{"JCODE_ANTIGRAVITY_CLI_TIMEOUT_S", "5"}}), "").timeout_ms == 5000);
}

TEST_CASE("the fingerprint reports darwin and the Antigravity metadata") {
  auto h = fingerprint_headers("1.18.3");
  CHECK(h[0].second.rfind("antigravity/1.18.3 darwin/", 0) == 0);
  CHECK(load_metadata()["ideType"] == "ANTIGRAVITY");
}
