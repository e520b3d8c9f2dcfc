// The exit codes scripts rely on (docs/cli.md): every status maps to its documented code,
// and a failing command prints one neutralised "jcode: " line.
#include "cli/commands.hpp"

#include <jcode/cli/exit_codes.hpp>
#include <jcode/log/log.hpp>

#include <doctest/doctest.h>

#include <iostream>
#include <sstream>

using namespace jcode;

TEST_CASE("exit codes: each status has its documented code") {
  struct Row {
    int32_t status;
    int code;
  };
  const Row table[] = {
      {JCODE_OK, 0},
      {JCODE_E_INVALID_ARG, 2},
      {JCODE_E_NOMEM, 1},
      {JCODE_E_INCOMPATIBLE, 1},
      {JCODE_E_DECLINE, 1},
      {JCODE_E_NOT_SUPPORTED, 1},
      {JCODE_E_CANCELLED, 130},
      {JCODE_E_NONINTERACTIVE, 6},
      {JCODE_E_AUTH_REQUIRED, 3},
      {JCODE_E_AUTH_EXPIRED, 3},
      {JCODE_E_NETWORK, 4},
      {JCODE_E_TIMEOUT, 4},
      {JCODE_E_PROTOCOL, 1},
      {JCODE_E_INTERNAL, 1},
      {JCODE_E_IO, 1},
      {JCODE_E_NOT_FOUND, 5},
      {JCODE_E_DENIED, 3},
      {JCODE_E_RATE_LIMITED, 4},
      {JCODE_E_SERVER, 4},
      {JCODE_E_PLUGIN_FIRST, 1},
      {JCODE_E_PLUGIN_LAST, 1},
      {-12345, 1},
  };
  for (const auto& row : table) {
    CAPTURE(row.status);
    CHECK(cli::exit_code_for(row.status) == row.code);
  }
}

TEST_CASE("exit codes: fail() prints one redacted, neutralised line and returns the code") {
  log::add_secret("sk-test-secret-value-0123456789");
  std::ostringstream err;
  auto* old = std::cerr.rdbuf(err.rdbuf());
  const int code = cli::fail(Error{JCODE_E_AUTH_REQUIRED, "refused sk-test-secret-value-0123456789\x1b[31m"});
  std::cerr.rdbuf(old);
  CHECK(code == cli::exit_auth);
  const std::string out = err.str();
  CHECK(out.starts_with("jcode: refused "));
  CHECK(out.ends_with("\n"));
  CHECK(out.find("sk-test-secret-value-0123456789") == std::string::npos);
  CHECK(out.find('\x1b') == std::string::npos);
}
