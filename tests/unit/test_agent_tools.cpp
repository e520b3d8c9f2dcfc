#include <jcode/agent_tools/tool.hpp>

#include <doctest/doctest.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace stdfs = std::filesystem;
using jcode::agent_tools::ToolContext;
using jcode::agent_tools::ToolOutput;
using nlohmann::json;

namespace {

struct Workspace {
  stdfs::path root;     // the workspace (ctx.cwd), canonical
  stdfs::path outside;  // a sibling directory outside the workspace
  stdfs::path base;
  ToolContext ctx;
  Workspace() {
    std::string tmpl = (stdfs::temp_directory_path() / "jcode-tools-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    REQUIRE(made != nullptr);
    base = stdfs::canonical(made);
    root = base / "ws";
    outside = base / "outside";
    stdfs::create_directories(root);
    stdfs::create_directories(outside);
    ctx.cwd = root;
  }
  ~Workspace() {
    std::error_code ec;
    stdfs::remove_all(base, ec);
  }
  jcode::Result<ToolOutput> run(const char* tool, const json& input) {
    const auto* t = jcode::agent_tools::find(tool);
    REQUIRE(t != nullptr);
    return t->run(input, ctx);
  }
  // Runs a call that must succeed as a call (its output may still be an error result).
  ToolOutput ok(const char* tool, const json& input) {
    auto r = run(tool, input);
    if (!r) FAIL_CHECK(r.error().message);
    REQUIRE(r.ok());
    return *r;
  }
};

void spit(const stdfs::path& p, const std::string& s) {
  stdfs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
}

std::string slurp(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

mode_t mode_of(const stdfs::path& p) {
  struct stat st;
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("tools: the builtin registry lists every native tool with a schema and read_only flag") {
  const auto& all = jcode::agent_tools::builtin();
  std::vector<std::string> names;
  for (const auto& t : all) {
    names.push_back(t.name);
    CHECK(!t.description.empty());
    CHECK(t.input_schema.at("type") == "object");
    CHECK(t.input_schema.at("properties").is_object());
    CHECK((t.run != nullptr));
    for (const auto& req : t.input_schema.value("required", json::array())) {
      CHECK(t.input_schema.at("properties").contains(req.get<std::string>()));
    }
  }
  CHECK(names == std::vector<std::string>{"bash", "read", "write", "edit", "glob", "grep", "task",
                                          "todoread", "todowrite"});
  for (const char* ro : {"read", "glob", "grep", "todoread"}) CHECK(jcode::agent_tools::find(ro)->read_only);
  for (const char* rw : {"bash", "write", "edit", "todowrite", "task"}) CHECK_FALSE(jcode::agent_tools::find(rw)->read_only);
  CHECK(jcode::agent_tools::find("Bash") == nullptr);
  CHECK(jcode::agent_tools::find("shell_exec") == nullptr);
  CHECK(jcode::agent_tools::find("bash") == &all[0]);
}

TEST_CASE("tools: bash runs in the workspace and reports output and exit codes") {
  Workspace w;
  auto out = w.ok("bash", {{"command", "echo JCODE_TOOL_OK"}});
  CHECK(out.content == "JCODE_TOOL_OK\n");
  CHECK_FALSE(out.is_error);

  out = w.ok("bash", {{"command", "pwd"}});
  CHECK(out.content == w.root.string() + "\n");

  out = w.ok("bash", {{"command", "echo out; echo err >&2; exit 3"}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "out\n"));
  CHECK(contains(out.content, "err\n"));
  CHECK(contains(out.content, "[exit code 3]"));

  out = w.ok("bash", {{"command", "true"}});
  CHECK(out.content == "(no output)");
  CHECK_FALSE(out.is_error);

  // Stdin is empty, so a command reading it ends at once.
  out = w.ok("bash", {{"command", "cat; echo done"}});
  CHECK(out.content == "done\n");
}

TEST_CASE("tools: bash rejects bad arguments with the field named") {
  Workspace w;
  auto r = w.run("bash", json::object());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status() == JCODE_E_INVALID_ARG);
  CHECK(contains(r.error().message, "\"command\""));
  r = w.run("bash", {{"command", 42}});
  CHECK(r.status() == JCODE_E_INVALID_ARG);
  r = w.run("bash", {{"command", "true"}, {"timeout_ms", -5}});
  CHECK(r.status() == JCODE_E_INVALID_ARG);
  CHECK(contains(r.error().message, "timeout_ms"));
  r = w.run("bash", json::array({"echo"}));
  CHECK(r.status() == JCODE_E_INVALID_ARG);
}

TEST_CASE("tools: bash stops a command at its timeout and keeps the output so far") {
  Workspace w;
  const auto start = std::chrono::steady_clock::now();
  auto out = w.ok("bash", {{"command", "echo started; exec sleep 30"}, {"timeout_ms", 300}});
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(out.is_error);
  CHECK(contains(out.content, "started\n"));
  CHECK(contains(out.content, "timed out after 300 ms"));
  CHECK(took < std::chrono::seconds(10));
}

TEST_CASE("tools: bash keeps the tail of long output") {
  Workspace w;
  w.ctx.limits.bash_output_bytes = 1000;
  auto out = w.ok("bash", {{"command", "i=0; while [ $i -lt 500 ]; do echo line$i; i=$((i+1)); done"}});
  CHECK_FALSE(out.is_error);
  CHECK(contains(out.content, "bytes of earlier output omitted"));
  CHECK(contains(out.content, "line499\n"));
  CHECK_FALSE(contains(out.content, "line0\n"));
  CHECK(out.content.size() < 1100);
}

TEST_CASE("tools: bash hides the environment variables it is told to remove") {
  Workspace w;
  ::setenv("JCODE_TOOLS_TEST_SECRET", "sk-test-do-not-show", 1);
  w.ctx.bash_env_remove = {"JCODE_TOOLS_TEST_SECRET"};
  auto out = w.ok("bash", {{"command", "echo \"[${JCODE_TOOLS_TEST_SECRET:-unset}]\""}});
  ::unsetenv("JCODE_TOOLS_TEST_SECRET");
  CHECK(out.content == "[unset]\n");
}

TEST_CASE("tools: read numbers lines and pages with offset and limit") {
  Workspace w;
  spit(w.root / "a.txt", "one\ntwo\r\nthree\nfour\n");
  auto out = w.ok("read", {{"path", "a.txt"}});
  CHECK_FALSE(out.is_error);
  CHECK(out.content == "     1\tone\n     2\ttwo\n     3\tthree\n     4\tfour\n");

  out = w.ok("read", {{"path", (w.root / "a.txt").string()}, {"offset", 2}, {"limit", 2}});
  CHECK(out.content == "     2\ttwo\n     3\tthree\n[showing lines 2-3 of 4; use offset=4 to read more]\n");

  out = w.ok("read", {{"path", "a.txt"}, {"offset", 9}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "past the end"));

  spit(w.root / "noeol.txt", "x\ny");
  out = w.ok("read", {{"path", "noeol.txt"}});
  CHECK(out.content == "     1\tx\n     2\ty\n");

  spit(w.root / "empty.txt", "");
  out = w.ok("read", {{"path", "empty.txt"}});
  CHECK_FALSE(out.is_error);
  CHECK(contains(out.content, "empty"));
}

TEST_CASE("tools: read bounds long lines, output size and refuses binaries and directories") {
  Workspace w;
  w.ctx.limits.line_chars = 10;
  spit(w.root / "long.txt", std::string(50, 'x') + "\n");
  auto out = w.ok("read", {{"path", "long.txt"}});
  CHECK(out.content == "     1\txxxxxxxxxx [line cut at 10 bytes]\n");

  w.ctx.limits.read_output_bytes = 100;
  std::string many;
  for (int i = 0; i < 100; ++i) many += "l\n";
  spit(w.root / "many.txt", many);
  out = w.ok("read", {{"path", "many.txt"}});
  CHECK(out.content.size() < 200);
  CHECK(contains(out.content, "of 100; use offset="));

  spit(w.root / "bin", std::string("ab\0cd", 5));
  out = w.ok("read", {{"path", "bin"}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "binary"));

  out = w.ok("read", {{"path", "."}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "directory"));

  out = w.ok("read", {{"path", "missing.txt"}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "missing.txt does not exist"));

  w.ctx.limits.file_bytes = 16;
  spit(w.root / "big.txt", std::string(64, 'a'));
  out = w.ok("read", {{"path", "big.txt"}});
  CHECK(out.is_error);
  CHECK_MESSAGE(contains(out.content, "larger than"), out.content);
}

TEST_CASE("tools: file tools stay inside the workspace") {
  Workspace w;
  spit(w.outside / "secret.json", "{\"token\":\"sk-x\"}");
  stdfs::create_symlink(w.outside / "secret.json", w.root / "link.json");
  stdfs::create_directory_symlink(w.outside, w.root / "linkdir");

  for (const auto& p : {(w.outside / "secret.json").string(), std::string("../outside/secret.json"),
                        std::string("link.json"), std::string("linkdir/secret.json")}) {
    CAPTURE(p);
    auto r = w.run("read", {{"path", p}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status() == JCODE_E_DENIED);
    CHECK(contains(r.error().message, "outside the workspace"));
    CHECK_FALSE(contains(r.error().message, "sk-x"));

    r = w.run("write", {{"path", p}, {"content", "overwritten"}});
    CHECK(r.status() == JCODE_E_DENIED);
    r = w.run("edit", {{"path", p}, {"old_string", "sk-x"}, {"new_string", "y"}});
    CHECK(r.status() == JCODE_E_DENIED);
  }
  CHECK(slurp(w.outside / "secret.json") == "{\"token\":\"sk-x\"}");
  CHECK(w.run("glob", {{"pattern", "*"}, {"path", "../outside"}}).status() == JCODE_E_DENIED);
  CHECK(w.run("grep", {{"pattern", "sk"}, {"path", "/"}}).status() == JCODE_E_DENIED);

  // A symlink that stays inside is fine.
  spit(w.root / "real.txt", "inside\n");
  stdfs::create_symlink("real.txt", w.root / "alias.txt");
  auto out = w.ok("read", {{"path", "alias.txt"}});
  CHECK(out.content == "     1\tinside\n");

  // Turning confinement off is the caller's explicit choice.
  w.ctx.confine_to_workspace = false;
  out = w.ok("read", {{"path", (w.outside / "secret.json").string()}});
  CHECK_FALSE(out.is_error);
}

TEST_CASE("tools: write creates parents, replaces atomically and keeps the mode") {
  Workspace w;
  auto out = w.ok("write", {{"path", "src/deep/new.txt"}, {"content", "hello\n"}});
  CHECK_FALSE(out.is_error);
  CHECK(contains(out.content, "created src/deep/new.txt"));
  CHECK(slurp(w.root / "src/deep/new.txt") == "hello\n");
  CHECK(mode_of(w.root / "src/deep/new.txt") == 0644);

  spit(w.root / "run.sh", "old");
  REQUIRE(::chmod((w.root / "run.sh").c_str(), 0750) == 0);
  out = w.ok("write", {{"path", "run.sh"}, {"content", "#!/bin/sh\n"}});
  CHECK(contains(out.content, "replaced run.sh"));
  CHECK(slurp(w.root / "run.sh") == "#!/bin/sh\n");
  CHECK(mode_of(w.root / "run.sh") == 0750);

  // Writing through a symlink inside the workspace changes its target, keeps the link.
  stdfs::create_symlink("run.sh", w.root / "alias.sh");
  out = w.ok("write", {{"path", "alias.sh"}, {"content", "via link"}});
  CHECK(slurp(w.root / "run.sh") == "via link");
  CHECK(stdfs::is_symlink(w.root / "alias.sh"));

  out = w.ok("write", {{"path", "src"}, {"content", "x"}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "directory"));

  stdfs::create_symlink("nowhere.txt", w.root / "dangling");
  out = w.ok("write", {{"path", "dangling"}, {"content", "x"}});
  CHECK(out.is_error);
  CHECK(stdfs::is_symlink(w.root / "dangling"));

  CHECK(w.run("write", {{"path", "a.txt"}}).status() == JCODE_E_INVALID_ARG);

  // No temp files left behind.
  for (const auto& e : stdfs::recursive_directory_iterator(w.root)) {
    CHECK_FALSE(contains(e.path().filename().string(), ".jcode-"));
  }
}

TEST_CASE("tools: edit replaces an exact, unique string") {
  Workspace w;
  spit(w.root / "f.cpp", "int a = 1;\nint b = 1;\n");
  REQUIRE(::chmod((w.root / "f.cpp").c_str(), 0600) == 0);

  auto out = w.ok("edit", {{"path", "f.cpp"}, {"old_string", "int a = 1;"}, {"new_string", "int a = 2;"}});
  CHECK_FALSE(out.is_error);
  CHECK(contains(out.content, "1 replacement"));
  CHECK(slurp(w.root / "f.cpp") == "int a = 2;\nint b = 1;\n");
  CHECK(mode_of(w.root / "f.cpp") == 0600);

  out = w.ok("edit", {{"path", "f.cpp"}, {"old_string", "= 9;"}, {"new_string", "= 3;"}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "not found"));

  spit(w.root / "g.txt", "x x x");
  out = w.ok("edit", {{"path", "g.txt"}, {"old_string", "x"}, {"new_string", "y"}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "occurs 3 times"));
  CHECK(slurp(w.root / "g.txt") == "x x x");

  out = w.ok("edit", {{"path", "g.txt"}, {"old_string", "x"}, {"new_string", "yy"}, {"replace_all", true}});
  CHECK_FALSE(out.is_error);
  CHECK(contains(out.content, "3 replacements"));
  CHECK(slurp(w.root / "g.txt") == "yy yy yy");

  // Replacement text containing the search text does not loop.
  out = w.ok("edit", {{"path", "g.txt"}, {"old_string", "yy"}, {"new_string", "yyy"}, {"replace_all", true}});
  CHECK(slurp(w.root / "g.txt") == "yyy yyy yyy");

  CHECK(w.run("edit", {{"path", "g.txt"}, {"old_string", ""}, {"new_string", "a"}}).status() == JCODE_E_INVALID_ARG);
  CHECK(w.run("edit", {{"path", "g.txt"}, {"old_string", "a"}, {"new_string", "a"}}).status() == JCODE_E_INVALID_ARG);
  CHECK(w.run("edit", {{"path", "g.txt"}, {"old_string", "a"}, {"new_string", "b"}, {"replace_all", "yes"}})
            .status() == JCODE_E_INVALID_ARG);
  out = w.ok("edit", {{"path", "nope.txt"}, {"old_string", "a"}, {"new_string", "b"}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "does not exist"));
}

TEST_CASE("tools: glob matches with ** and single-segment wildcards, sorted and capped") {
  Workspace w;
  for (const char* f : {"main.cpp", "b.hpp", "src/a.cpp", "src/z/deep.cpp", "src/z/x.txt", ".git/HEAD.cpp",
                        "docs/readme.md"}) {
    spit(w.root / f, "x");
  }
  auto out = w.ok("glob", {{"pattern", "**/*.cpp"}});
  CHECK(out.content == "main.cpp\nsrc/a.cpp\nsrc/z/deep.cpp\n");
  out = w.ok("glob", {{"pattern", "*.cpp"}});
  CHECK(out.content == "main.cpp\n");
  out = w.ok("glob", {{"pattern", "src/**"}});
  CHECK(out.content == "src/a.cpp\nsrc/z/deep.cpp\nsrc/z/x.txt\n");
  out = w.ok("glob", {{"pattern", "*.cpp"}, {"path", "src"}});
  CHECK(out.content == "src/a.cpp\n");
  out = w.ok("glob", {{"pattern", "**/?.[ch]pp"}});
  CHECK(out.content == "b.hpp\nsrc/a.cpp\n");
  out = w.ok("glob", {{"pattern", "*.rs"}});
  CHECK_FALSE(out.is_error);
  CHECK(contains(out.content, "no files match"));

  w.ctx.limits.glob_results = 2;
  out = w.ok("glob", {{"pattern", "**"}});
  CHECK(contains(out.content, "b.hpp\ndocs/readme.md\n[4 more matches not shown]"));

  w.ctx.limits.walk_entries = 3;
  out = w.ok("glob", {{"pattern", "**"}});
  CHECK(contains(out.content, "stopped after visiting 3 entries"));

  CHECK(w.run("glob", {{"pattern", "/etc/*"}}).status() == JCODE_E_INVALID_ARG);
  out = w.ok("glob", {{"pattern", "*"}, {"path", "main.cpp"}});
  CHECK(out.is_error);
}

TEST_CASE("tools: grep prints file:line:text for regex matches") {
  Workspace w;
  spit(w.root / "a.cpp", "int main() {\n  return 0;\n}\n");
  spit(w.root / "src/b.hpp", "// TODO fix\nint x = 10;\n");
  spit(w.root / "src/c.txt", "TODO later\n");
  spit(w.root / "bin.dat", std::string("TODO\0\0", 6));
  spit(w.root / ".git/config", "TODO\n");

  auto out = w.ok("grep", {{"pattern", "TODO"}});
  CHECK(out.content == "src/b.hpp:1:// TODO fix\nsrc/c.txt:1:TODO later\n");
  out = w.ok("grep", {{"pattern", "TODO"}, {"glob", "*.hpp"}});
  CHECK(out.content == "src/b.hpp:1:// TODO fix\n");
  out = w.ok("grep", {{"pattern", "TODO"}, {"glob", "src/*.txt"}});
  CHECK(out.content == "src/c.txt:1:TODO later\n");
  out = w.ok("grep", {{"pattern", "\\d+;"}, {"path", "src"}});
  CHECK(out.content == "src/b.hpp:2:int x = 10;\n");
  out = w.ok("grep", {{"pattern", "^}$"}, {"path", "a.cpp"}});
  CHECK(out.content == "a.cpp:3:}\n");
  out = w.ok("grep", {{"pattern", "nothing-here"}});
  CHECK(contains(out.content, "no matches"));

  auto r = w.run("grep", {{"pattern", "(unclosed"}});
  CHECK(r.status() == JCODE_E_INVALID_ARG);
  CHECK(contains(r.error().message, "invalid regular expression"));
}

TEST_CASE("tools: grep is bounded in matches and line length") {
  Workspace w;
  std::string many;
  for (int i = 0; i < 50; ++i) many += "hit " + std::to_string(i) + "\n";
  spit(w.root / "m.txt", many);
  w.ctx.limits.grep_matches = 5;
  auto out = w.ok("grep", {{"pattern", "hit"}});
  CHECK(contains(out.content, "m.txt:5:hit 4\n[stopped after 5 matches"));
  CHECK_FALSE(contains(out.content, "hit 5"));

  // A huge line with a backtracking pattern neither crashes nor prints the whole line.
  spit(w.root / "long.txt", std::string(1 << 20, 'a') + "\n");
  w.ctx.limits.grep_matches = 500;
  out = w.ok("grep", {{"pattern", "(a|b)*c"}, {"path", "long.txt"}});
  CHECK_FALSE(out.is_error);
  out = w.ok("grep", {{"pattern", "a+"}, {"path", "long.txt"}});
  CHECK(out.content.size() < 1000);
  CHECK(contains(out.content, "long.txt:1:aaaa"));

  // Catastrophic backtracking for a backtracking engine (minutes for 40 characters); linear here.
  spit(w.root / "evil.txt", std::string(40, 'a') + "!\n" + std::string(1500, 'a') + "!\n");
  out = w.ok("grep", {{"pattern", "^(a+)+$"}, {"path", "evil.txt"}});
  CHECK(contains(out.content, "no matches"));
  auto back = w.run("grep", {{"pattern", "(a)\\1"}});
  CHECK(back.status() == JCODE_E_INVALID_ARG);
  CHECK(contains(back.error().message, "RE2 syntax"));
}

TEST_CASE("tools: task needs a sub-agent runner") {
  Workspace w;
  auto out = w.ok("task", {{"description", "look"}, {"prompt", "find the bug"}});
  CHECK(out.is_error);
  CHECK(out.content == "task is not available in this context");

  std::string seen;
  w.ctx.run_subagent = [&](const std::string& d, const std::string& p) -> jcode::Result<std::string> {
    seen = d + "|" + p;
    return std::string("found it");
  };
  out = w.ok("task", {{"description", "look"}, {"prompt", "find the bug"}});
  CHECK_FALSE(out.is_error);
  CHECK(out.content == "found it");
  CHECK(seen == "look|find the bug");

  w.ctx.run_subagent = [](const std::string&, const std::string&) -> jcode::Result<std::string> {
    return jcode::Error{JCODE_E_NETWORK, "offline"};
  };
  out = w.ok("task", {{"description", "look"}, {"prompt", "x"}});
  CHECK(out.is_error);
  CHECK(contains(out.content, "offline"));
  CHECK(w.run("task", {{"description", "look"}}).status() == JCODE_E_INVALID_ARG);
}

TEST_CASE("tools: todowrite replaces the session list, todoread shows it") {
  Workspace w;
  auto out = w.ok("todoread", json::object());
  CHECK(out.content == "the todo list is empty");

  out = w.ok("todowrite", {{"todos", json::array({{{"content", "a"}, {"status", "pending"}},
                                                  {{"content", "b"}, {"status", "completed"}}})}});
  CHECK_FALSE(out.is_error);
  CHECK(contains(out.content, "2 items (1 pending, 0 in progress, 1 completed)"));
  REQUIRE(w.ctx.todos.size() == 2);
  CHECK(w.ctx.todos[1].content == "b");

  out = w.ok("todoread", json::object());
  CHECK(json::parse(out.content) == json::parse(R"([{"content":"a","status":"pending"},{"content":"b","status":"completed"}])"));

  auto r = w.run("todowrite", {{"todos", json::array({{{"content", "c"}, {"status", "done"}}})}});
  CHECK(r.status() == JCODE_E_INVALID_ARG);
  CHECK(contains(r.error().message, "todos[0]"));
  CHECK(w.ctx.todos.size() == 2);  // unchanged after a bad call
  CHECK(w.run("todowrite", {{"todos", "a"}}).status() == JCODE_E_INVALID_ARG);
}

TEST_CASE("tools: protected credential paths are refused and skipped, even inside the workspace") {
  Workspace w;
  spit(w.root / "creds/token.json", "{\"refresh\":\"rt-secret\"}");
  spit(w.root / "notes.txt", "refresh later\n");
  stdfs::create_symlink("creds/token.json", w.root / "alias.json");
  w.ctx.protected_paths = {w.root / "creds"};

  for (const char* p : {"creds/token.json", "alias.json", "creds"}) {
    CAPTURE(p);
    auto r = w.run("read", {{"path", p}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status() == JCODE_E_DENIED);
    CHECK(contains(r.error().message, "holds credentials"));
  }
  CHECK(w.run("write", {{"path", "creds/new.json"}, {"content", "x"}}).status() == JCODE_E_DENIED);
  CHECK(w.run("edit", {{"path", "alias.json"}, {"old_string", "rt"}, {"new_string", "x"}}).status() == JCODE_E_DENIED);
  CHECK(w.run("glob", {{"pattern", "*"}, {"path", "creds"}}).status() == JCODE_E_DENIED);

  auto out = w.ok("glob", {{"pattern", "**"}});
  CHECK(out.content == "alias.json\nnotes.txt\n");  // the link's name is listed, not opened
  out = w.ok("grep", {{"pattern", "refresh"}});
  CHECK(out.content == "notes.txt:1:refresh later\n");
  CHECK(slurp(w.root / "creds/token.json") == "{\"refresh\":\"rt-secret\"}");
}

TEST_CASE("tools: the default protected paths cover jcode's files and other tools' credentials") {
  const auto paths = jcode::agent_tools::default_protected_paths();
  const char* home = ::getenv("HOME");
  REQUIRE(home != nullptr);
  auto has = [&](const stdfs::path& p) { return std::find(paths.begin(), paths.end(), p) != paths.end(); };
  CHECK(has(stdfs::path(home) / ".ssh"));
  CHECK(has(stdfs::path(home) / ".claude"));
  CHECK(has(stdfs::path(home) / ".codex"));
  CHECK(has(stdfs::path(home) / ".local/share/opencode"));
  if (const char* jh = ::getenv("JCODE_HOME"); jh != nullptr && *jh == '/') {
    CHECK(has(stdfs::path(jh)));
    CHECK(has(stdfs::path(jh) / "external/.codex"));
  }
  ToolContext fresh;
  CHECK(fresh.protected_paths == paths);
}
