#include "settings.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace jcode::azure;

TEST_CASE("endpoint normalisation to the /openai/v1 base") {
  auto ok = [](std::string_view in) {
    Normalized n = normalize_endpoint(in, "--endpoint");
    CAPTURE(in);
    CHECK(n.error.empty());
    return n.url;
  };
  CHECK(ok("https://res.openai.azure.com") == "https://res.openai.azure.com/openai/v1");
  CHECK(ok("https://res.openai.azure.com/") == "https://res.openai.azure.com/openai/v1");
  CHECK(ok("  https://res.openai.azure.com/openai/v1/ ") == "https://res.openai.azure.com/openai/v1");
  CHECK(ok("https://res.openai.azure.com/openai") == "https://res.openai.azure.com/openai/v1");
  CHECK(ok("https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21") ==
        "https://res.openai.azure.com/openai/v1");
  CHECK(ok("res.cognitiveservices.azure.com") == "https://res.cognitiveservices.azure.com/openai/v1");
  CHECK(ok("HTTPS://Res.OpenAI.Azure.com") == "HTTPS://Res.OpenAI.Azure.com/openai/v1");
  CHECK(ok("http://127.0.0.1:8080") == "http://127.0.0.1:8080/openai/v1");
  CHECK(ok("https://proxy.example.com/azure") == "https://proxy.example.com/azure/openai/v1");

  for (const char* bad : {"", "http://res.openai.azure.com", "ftp://res", "https://", "https://user:pw@res.openai.azure.com"}) {
    Normalized n = normalize_endpoint(bad, "--endpoint");
    CAPTURE(bad);
    CHECK_FALSE(n.error.empty());
    CHECK(n.error.rfind("--endpoint", 0) == 0);
    CHECK(n.error.find("pw@") == std::string::npos);
  }
}

TEST_CASE("env file: read, update in place, keep unknown lines, remove") {
  const std::string file =
      "# written by jcode\nAZURE_OPENAI_ENDPOINT=https://old.openai.azure.com/openai/v1\nOTHER=keep me\n"
      "export AZURE_OPENAI_MODEL=\"gpt-4o\"\nAZURE_OPENAI_API_KEY=k1\n";
  CHECK(env_file_get(file, "AZURE_OPENAI_MODEL") == std::optional<std::string>("gpt-4o"));
  CHECK(env_file_get(file, "OTHER") == std::optional<std::string>("keep me"));
  CHECK_FALSE(env_file_get(file, "MISSING").has_value());

  std::string updated = env_file_set(file, "AZURE_OPENAI_ENDPOINT", "https://new.openai.azure.com/openai/v1");
  updated = env_file_set(updated, "AZURE_OPENAI_USE_ENTRA", "1");
  updated = env_file_remove(updated, "AZURE_OPENAI_API_KEY");
  CHECK(updated ==
        "# written by jcode\nAZURE_OPENAI_ENDPOINT=https://new.openai.azure.com/openai/v1\nOTHER=keep me\n"
        "export AZURE_OPENAI_MODEL=\"gpt-4o\"\nAZURE_OPENAI_USE_ENTRA=1\n");
  // Round trip: what was written reads back.
  CHECK(env_file_get(updated, "AZURE_OPENAI_ENDPOINT") == std::optional<std::string>("https://new.openai.azure.com/openai/v1"));
  CHECK(env_file_get(updated, "AZURE_OPENAI_USE_ENTRA") == std::optional<std::string>("1"));
  CHECK_FALSE(env_file_get(updated, "AZURE_OPENAI_API_KEY").has_value());
  // Duplicates collapse to one assignment; a file without a final newline gains one.
  CHECK(env_file_set("A=1\nA=2", "A", "3") == "A=3\n");
  CHECK(env_file_set("", "A", "1") == "A=1\n");
}

TEST_CASE("settings: environment first, then the file; booleans") {
  std::map<std::string, std::string> env = {{"AZURE_OPENAI_MODEL", "from-env"}, {"AZURE_OPENAI_ENDPOINT", "  "}};
  auto lookup = [&env](std::string_view k) -> std::optional<std::string> {
    auto it = env.find(std::string(k));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  Settings s = resolve_settings(lookup, "AZURE_OPENAI_ENDPOINT=https://r.openai.azure.com\nAZURE_OPENAI_MODEL=file\n"
                                        "AZURE_OPENAI_USE_ENTRA=yes\nAZURE_OPENAI_API_KEY=k\n");
  CHECK(s.endpoint == "https://r.openai.azure.com");
  CHECK(s.endpoint_setting == "AZURE_OPENAI_ENDPOINT in azure-openai.env");
  CHECK(s.model == "from-env");
  CHECK(s.use_entra == std::optional<bool>(true));
  CHECK(s.api_key == "k");
  CHECK(parse_bool("OFF") == std::optional<bool>(false));
  CHECK(parse_bool("0") == std::optional<bool>(false));
  CHECK(parse_bool(" True ") == std::optional<bool>(true));
  CHECK_FALSE(parse_bool("maybe").has_value());
  CHECK_FALSE(resolve_settings(lookup, "").use_entra.has_value());
  CHECK(resolve_settings(lookup, "").error.empty());
  Settings bad = resolve_settings(lookup, "AZURE_OPENAI_USE_ENTRA=maybe\n");
  CHECK_FALSE(bad.use_entra.has_value());
  CHECK(bad.error == "AZURE_OPENAI_USE_ENTRA is 'maybe', which is neither yes nor no: set 1 (Entra ID) or 0 (API "
                     "key), or unset it");
}

