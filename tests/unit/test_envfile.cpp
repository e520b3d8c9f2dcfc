#include <jcode/envfile/envfile.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace stdfs = std::filesystem;

namespace {

struct TempDir {
  stdfs::path path;
  TempDir() {
    std::string tmpl = (stdfs::temp_directory_path() / "jcode-env-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    stdfs::remove_all(path, ec);
  }
};

std::string slurp(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("envfile: comments, blanks, export, quotes, CRLF, last assignment wins") {
  const std::string text =
      "# comment\n"
      "\n"
      "A=1\n"
      "export B = two words \r\n"
      "C=\"quoted value\"\n"
      "D='single'\n"
      "E=\"mismatched'\n"
      "F=\n"
      "A=override\n"
      "G=a=b=c\n"
      "  # indented comment\n";
  auto p = jcode::envfile::parse(text, "x.env");
  CHECK(p.warnings.empty());
  CHECK(p.get("A") == "override");
  CHECK(p.get("B") == "two words");
  CHECK(p.get("C") == "quoted value");
  CHECK(p.get("D") == "single");
  CHECK(p.get("E") == "\"mismatched'");
  CHECK(p.get("F") == "");
  CHECK(p.get("G") == "a=b=c");
  CHECK(p.get("H") == std::nullopt);
  CHECK(p.entries.size() == 8);
  CHECK(p.entries[1].line == 4);
}

TEST_CASE("envfile: invisible characters are stripped with a warning that never shows the value") {
  const std::string text =
      "\xEF\xBB\xBF"  // BOM at the start of the file
      "KEY_ONE=sk-secret-value\xE2\x80\x8B\n"
      "KEY_TWO=\xC2\xA0\"sk-other\xE2\x81\xA0\"\xC2\xA0\n"
      "KEY_THREE=ab\xE2\x80\x8C" "cd\n"
      "CLEAN=fine\n";
  auto p = jcode::envfile::parse(text, "/cfg/fireworks.env");
  CHECK(p.get("KEY_ONE") == "sk-secret-value");
  CHECK(p.get("KEY_TWO") == "sk-other");
  CHECK(p.get("KEY_THREE") == "abcd");
  CHECK(p.get("CLEAN") == "fine");
  REQUIRE(p.warnings.size() == 3);
  CHECK(p.warnings[0].find("/cfg/fireworks.env:1") == 0);
  CHECK(p.warnings[0].find("KEY_ONE") != std::string::npos);
  CHECK(p.warnings[1].find("/cfg/fireworks.env:2") == 0);
  for (const auto& w : p.warnings) {
    CHECK(w.find("sk-") == std::string::npos);
    CHECK(w.find("abcd") == std::string::npos);
  }
}

TEST_CASE("envfile: malformed lines are skipped with a warning") {
  auto p = jcode::envfile::parse("just text\n1BAD=x\nGOOD=y\n", "f.env");
  CHECK(p.get("GOOD") == "y");
  CHECK(p.entries.size() == 1);
  REQUIRE(p.warnings.size() == 2);
  CHECK(p.warnings[0].find("f.env:1") == 0);
  CHECK(p.warnings[1].find("f.env:2") == 0);
}

TEST_CASE("envfile: upsert keeps other lines, writes 0600, replaces in place") {
  TempDir t;
  const auto f = t.path / "sub" / "azure-openai.env";
  REQUIRE(jcode::envfile::upsert(f, "AZURE_OPENAI_ENDPOINT", "https://x.openai.azure.com").ok());
  struct stat st;
  REQUIRE(::stat(f.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  {
    std::ofstream out(f, std::ios::app);
    out << "# keep me\nexport AZURE_OPENAI_MODEL=gpt\nAZURE_OPENAI_API_KEY=old\nAZURE_OPENAI_API_KEY=dup\n";
  }
  REQUIRE(jcode::envfile::upsert(f, "AZURE_OPENAI_API_KEY", "new-key").ok());
  REQUIRE(jcode::envfile::upsert(f, "AZURE_OPENAI_MODEL", "gpt-5").ok());
  REQUIRE(jcode::envfile::upsert(f, "AZURE_OPENAI_USE_ENTRA", "0").ok());
  CHECK(slurp(f) ==
        "AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com\n# keep me\nexport AZURE_OPENAI_MODEL=gpt-5\n"
        "AZURE_OPENAI_API_KEY=new-key\nAZURE_OPENAI_USE_ENTRA=0\n");
  auto r = jcode::envfile::remove(f, "AZURE_OPENAI_API_KEY");
  REQUIRE(r.ok());
  CHECK(*r);
  CHECK(!*jcode::envfile::remove(f, "AZURE_OPENAI_API_KEY"));
  CHECK(!*jcode::envfile::remove(t.path / "missing.env", "X"));
  auto loaded = jcode::envfile::load(f);
  REQUIRE(loaded.ok());
  CHECK(loaded->get("AZURE_OPENAI_API_KEY") == std::nullopt);
  CHECK(loaded->get("AZURE_OPENAI_MODEL") == "gpt-5");
  CHECK(jcode::envfile::load(t.path / "missing.env").status() == JCODE_E_NOT_FOUND);
}

TEST_CASE("envfile: upsert refuses bad keys and values and leaves the file alone") {
  TempDir t;
  const auto f = t.path / "x.env";
  REQUIRE(jcode::envfile::upsert(f, "K", "v").ok());
  for (auto bad_key : {"", "1ABC", "A-B", "A B", "302AI_API_KEY"}) {
    auto s = jcode::envfile::upsert(f, bad_key, "v");
    REQUIRE(!s.ok());
    CHECK(s.error().message.find(f.string()) != std::string::npos);
  }
  for (std::string bad_value : {std::string("a\nB=injected"), std::string("a\rb"), std::string("a\0b", 3),
                                std::string(" lead"), std::string("trail "), std::string("zw\xE2\x80\x8B"),
                                std::string("in\xE2\x80\x8Bside")}) {
    auto s = jcode::envfile::upsert(f, "K", bad_value);
    REQUIRE(!s.ok());
    CHECK(s.error().status == JCODE_E_INVALID_ARG);
    CHECK(s.error().message.find(bad_value) == std::string::npos);
  }
  CHECK(slurp(f) == "K=v\n");
}

TEST_CASE("envfile: write then read round-trips awkward values") {
  TempDir t;
  const auto f = t.path / "x.env";
  std::vector<std::string> values = {"plain", "\"quoted\"", "'single'", "#hash", "a=b", "\"", "'", "'\"",
                                     "\"mixed'", "with space inside", "", "export X=1", "ünïcødé"};
  std::mt19937 rng(42);
  const std::string alphabet = "ab=#'\" \t$\\;xyz";
  for (int i = 0; i < 40; ++i) {
    std::string v;
    for (int n = rng() % 12; n > 0; --n) v.push_back(alphabet[rng() % alphabet.size()]);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
    values.push_back(v);
  }
  for (const auto& v : values) {
    REQUIRE(jcode::envfile::upsert(f, "VALUE", v).ok());
    REQUIRE(jcode::envfile::upsert(f, "OTHER", "stays").ok());
    auto p = jcode::envfile::load(f);
    REQUIRE(p.ok());
    CHECK_MESSAGE(p->get("VALUE") == v, "value: [" << v << "]");
    CHECK(p->get("OTHER") == "stays");
    CHECK(p->entries.size() == 2);
  }
}
