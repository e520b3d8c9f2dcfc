// A private, empty home for unit tests that build an app::Context: HOME and JCODE_HOME in a
// sandboxed environment pointing at a fresh temp directory, removed afterwards.
#pragma once

#include <jcode/paths/env.hpp>

#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace unit_test {

struct TempHome {
  std::filesystem::path path;
  jcode::paths::MapEnv env;
  TempHome() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "jcode-unit-home-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
    std::filesystem::create_directories(path / ".jcode");
    env.set("HOME", path.string());
    env.set("JCODE_HOME", (path / ".jcode").string());
  }
  ~TempHome() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempHome(const TempHome&) = delete;
  TempHome& operator=(const TempHome&) = delete;
  std::filesystem::path config_path() const { return path / ".jcode" / "config.toml"; }
  void write_config(const std::string& text) const { std::ofstream(config_path(), std::ios::binary) << text; }
};

}  // namespace unit_test
