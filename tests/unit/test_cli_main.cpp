// The command line's own behaviour, in process: what a mistyped or missing command says and
// which exit code it gives.
#include <jcode/cli/exit_codes.hpp>
#include <jcode/cli/main.hpp>

#include <doctest/doctest.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome run(std::vector<std::string> args) {
  args.insert(args.begin(), "jcode");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  const int code = jcode::cli::main(static_cast<int>(args.size()), argv.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("cli: an unknown command is named with the closest known one") {
  auto r = run({"runn", "hi"});
  CHECK(r.code == jcode::cli::exit_usage);
  CHECK(r.err.find("jcode: unknown command 'runn'; did you mean 'run'?") != std::string::npos);
  CHECK(r.err.find("Run 'jcode --help' for usage.") != std::string::npos);

  r = run({"lgoin"});
  CHECK(r.code == jcode::cli::exit_usage);
  CHECK(r.err.find("unknown command 'lgoin'; did you mean 'login'?") != std::string::npos);
}

TEST_CASE("cli: a word far from every command gets no suggestion") {
  auto r = run({"frobnicate"});
  CHECK(r.code == jcode::cli::exit_usage);
  CHECK(r.err.find("unknown command 'frobnicate'") != std::string::npos);
  CHECK(r.err.find("did you mean") == std::string::npos);
}

TEST_CASE("cli: the value of a global option is not taken for the command") {
  auto r = run({"--provider", "claude", "stauts"});
  CHECK(r.code == jcode::cli::exit_usage);
  CHECK(r.err.find("unknown command 'claude'") == std::string::npos);
  CHECK(r.err.find("unknown command 'stauts'") != std::string::npos);

  r = run({"-p", "claude", "-m", "some-model", "plugin"});
  CHECK(r.err.find("unknown command 'plugin'; did you mean 'plugins'?") != std::string::npos);
}

TEST_CASE("cli: no command at all is a usage error, --version is not") {
  auto r = run({});
  CHECK(r.code == jcode::cli::exit_usage);
  CHECK(r.err.find("unknown command") == std::string::npos);

  r = run({"--version"});
  CHECK(r.code == jcode::cli::exit_ok);
  CHECK(r.out.starts_with("jcode "));
}
