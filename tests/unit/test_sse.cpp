#include <jcode/http/sse.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace {

using jcode::Status;
using jcode::http::SseEvent;
using jcode::http::SseParser;

struct Ev {
  std::string event, data, id;
  bool operator==(const Ev&) const = default;
};

// Feeds `input` in chunks of the given sizes (cycled) and returns what was dispatched.
std::vector<Ev> parse_chunked(std::string_view input, const std::vector<size_t>& sizes,
                              bool* dropped = nullptr) {
  std::vector<Ev> out;
  SseParser p([&](const SseEvent& e) -> Status {
    out.push_back(Ev{std::string(e.event), std::string(e.data), std::string(e.id)});
    return {};
  });
  size_t pos = 0, i = 0;
  while (pos < input.size()) {
    const size_t n = std::min(sizes[i++ % sizes.size()], input.size() - pos);
    if (!p.feed(input.substr(pos, n))) FAIL("feed failed at offset " << pos);  // cheap per-chunk check
    pos += n;
  }
  const bool d = p.finish();
  if (dropped) *dropped = d;
  CHECK(p.events_dispatched() == out.size());
  return out;
}

std::vector<Ev> parse_whole(std::string_view input, bool* dropped = nullptr) {
  return parse_chunked(input, {input.size() ? input.size() : 1}, dropped);
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

// An independent count of the events of a fixture: blocks separated by blank lines that
// hold at least one data line.
size_t count_blocks_with_data(const std::string& text) {
  std::string norm = replace_all(text, "\r\n", "\n");
  size_t count = 0;
  std::istringstream in(norm);
  std::string line;
  bool has_data = false;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (has_data) ++count;
      has_data = false;
    } else if (line.rfind("data:", 0) == 0 || line == "data") {
      has_data = true;
    }
  }
  return count;
}

std::vector<std::filesystem::path> fixtures() {
  std::vector<std::filesystem::path> out;
  const std::filesystem::path dir =
      std::filesystem::path(JCODE_SHARED_DIR) / "fixtures/real-streams/derived-sse";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".sse") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("sse: fields, multi-line data, comments, ids and retry") {
  const std::string s =
      ": keep-alive comment\n"
      "event: first\n"
      "data: line one\n"
      "data:line two\n"
      "id: 7\n"
      "\n"
      "data:  two leading spaces keep one\n"
      "retry: 1500\n"
      "unknown: ignored\n"
      "\n"
      "event: no-data-is-not-dispatched\n"
      "\n"
      "data\n"
      "\n"
      "retry: 12x\n"
      "id\n"
      "data: after empty id\n"
      "\n";
  std::vector<Ev> evs;
  SseParser p([&](const SseEvent& e) -> Status {
    evs.push_back(Ev{std::string(e.event), std::string(e.data), std::string(e.id)});
    return {};
  });
  REQUIRE(p.feed(s));
  CHECK_FALSE(p.finish());
  REQUIRE(evs.size() == 4);
  CHECK(evs[0] == Ev{"first", "line one\nline two", "7"});
  CHECK(evs[1] == Ev{"", " two leading spaces keep one", "7"});  // event name was reset
  CHECK(evs[2] == Ev{"", "", "7"});  // "data" with no colon is an empty data line
  CHECK(evs[3] == Ev{"", "after empty id", ""});
  CHECK(p.retry_ms() == 1500);  // "12x" is not all digits: ignored
  CHECK(p.last_event_id().empty());
}

TEST_CASE("sse: CR, LF and CRLF line endings give the same events, split anywhere") {
  const std::string lf = "event: a\ndata: 1\ndata: 2\n\nevent: b\ndata: 3\n\n";
  const std::vector<Ev> expected = parse_whole(lf);
  REQUIRE(expected.size() == 2);
  CHECK(expected[0] == Ev{"a", "1\n2", ""});
  for (const std::string& variant :
       {replace_all(lf, "\n", "\r\n"), replace_all(lf, "\n", "\r")}) {
    for (size_t k = 1; k <= variant.size(); ++k) {
      CAPTURE(k);
      CHECK(parse_chunked(variant, {k}) == expected);
    }
  }
  // Mixed endings in one stream, including a CRLF split between two chunks.
  const std::string mixed = "event: a\r\ndata: 1\rdata: 2\n\r\nevent: b\ndata: 3\r\r";
  for (size_t k = 1; k <= mixed.size(); ++k) CHECK(parse_chunked(mixed, {k}) == expected);
}

TEST_CASE("sse: a BOM at the start is skipped, also when split; elsewhere it is data") {
  const std::string s = "\xEF\xBB\xBF" "data: x\n\ndata: \xEF\xBB\xBFy\n\n";
  for (size_t k = 1; k <= s.size(); ++k) {
    auto evs = parse_chunked(s, {k});
    REQUIRE(evs.size() == 2);
    CHECK(evs[0].data == "x");
    CHECK(evs[1].data == "\xEF\xBB\xBFy");
  }
  // A stream that starts with a BOM prefix that is not a BOM keeps those bytes.
  auto evs = parse_chunked("\xEF\xBB" "data: z\n\n", {1});
  CHECK(evs.empty());  // the field name is "\xEF\xBBdata", unknown, ignored
}

TEST_CASE("sse: a final event without a blank line is not dispatched, and reported") {
  bool dropped = false;
  auto evs = parse_whole("data: complete\n\ndata: partial\n", &dropped);
  REQUIRE(evs.size() == 1);
  CHECK(dropped);
  parse_whole("data: complete\n\n", &dropped);
  CHECK_FALSE(dropped);
  parse_whole("data: complete\n\ndata: no newline at all", &dropped);
  CHECK(dropped);
}

TEST_CASE("sse: a handler error stops the parser and is returned") {
  int calls = 0;
  SseParser p([&](const SseEvent&) -> Status {
    ++calls;
    return jcode::Error{JCODE_E_CANCELLED, "stop"};
  });
  Status st = p.feed("data: 1\n\ndata: 2\n\n");
  REQUIRE_FALSE(st);
  CHECK(st.status() == JCODE_E_CANCELLED);
  CHECK(calls == 1);
  CHECK(p.feed("data: 3\n\n").status() == JCODE_E_CANCELLED);
  CHECK(calls == 1);
}

TEST_CASE("sse: a line longer than the buffer limit is a protocol error, not growth") {
  SseParser p([](const SseEvent&) -> Status { return {}; }, 64);
  Status st = p.feed("data: " + std::string(100, 'x'));
  REQUIRE_FALSE(st);
  CHECK(st.status() == JCODE_E_PROTOCOL);
  SseParser q([](const SseEvent&) -> Status { return {}; }, 64);
  for (int i = 0; i < 10; ++i) {
    st = q.feed("data: 0123456789\n");
    if (!st) break;
  }
  CHECK(st.status() == JCODE_E_PROTOCOL);  // many data lines of one event add up
}

TEST_CASE("sse: every recorded real stream parses identically at every chunk size") {
  const auto files = fixtures();
  REQUIRE(files.size() >= 10);
  for (const auto& path : files) {
    CAPTURE(path.filename().string());
    const std::string text = read_file(path);
    REQUIRE_FALSE(text.empty());
    bool dropped = true;
    const std::vector<Ev> expected = parse_whole(text, &dropped);
    CHECK_FALSE(dropped);
    CHECK(expected.size() == count_blocks_with_data(text));
    REQUIRE_FALSE(expected.empty());
    for (const Ev& e : expected) {
      // Every payload of these recordings is JSON (or the chat [DONE] marker).
      if (e.data != "[DONE]") CHECK(nlohmann::json::accept(e.data));
    }
    // Every chunk size up to 24 (every offset of a CRLF, a "data:" prefix or a blank line
    // against a chunk edge), then primes to 61 and a geometric spread up to the whole file:
    // the files are up to 100 KB, and all sizes to N would cost quadratic time for no new
    // boundary cases. The random-split case below covers mixed sizes.
    std::vector<size_t> sizes;
    for (size_t k = 1; k <= 24; ++k) sizes.push_back(k);
    for (size_t k : {29, 31, 37, 41, 43, 47, 53, 59, 61}) sizes.push_back(k);
    for (size_t k = 64; k < text.size(); k = k * 2 + 1) sizes.push_back(k);
    sizes.push_back(text.size());
    for (size_t k : sizes) {
      if (k > text.size()) continue;
      CAPTURE(k);
      REQUIRE(parse_chunked(text, {k}) == expected);
    }
    // Other line endings.
    const std::string lf = replace_all(text, "\r\n", "\n");
    CHECK(parse_whole(replace_all(lf, "\n", "\r\n")) == expected);
    CHECK(parse_chunked(replace_all(lf, "\n", "\r"), {7}) == expected);
  }
}

TEST_CASE("sse: random splits of every recorded stream give the same events") {
  std::mt19937 rng(12345);  // fixed seed: a failure reproduces
  for (const auto& path : fixtures()) {
    CAPTURE(path.filename().string());
    const std::string text = read_file(path);
    const std::vector<Ev> expected = parse_whole(text);
    for (int round = 0; round < 8; ++round) {
      std::uniform_int_distribution<size_t> len(1, round < 4 ? 8 : 600);
      std::vector<size_t> sizes(97);
      for (size_t& s : sizes) s = len(rng);
      REQUIRE(parse_chunked(text, sizes) == expected);
    }
  }
}
