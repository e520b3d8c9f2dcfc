// PKCE, state, and the parsing of callbacks and pasted input (URL encoding: test_text.cpp).
#include <jcode/auth/callback.hpp>
#include <jcode/auth/pkce.hpp>

#include <doctest/doctest.h>

#include <set>

using namespace jcode::auth;

TEST_CASE("pkce: S256 challenge matches RFC 7636 appendix B") {
  CHECK(Pkce::challenge_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  CHECK(Pkce::method == "S256");
}

TEST_CASE("pkce: verifiers and states are fresh, unreserved, 43 chars, and independent") {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    Pkce p = Pkce::generate();
    std::string s = new_state();
    CHECK(p.verifier.size() == 43);
    CHECK(s.size() == 43);
    CHECK(p.verifier != s);
    CHECK(p.challenge == Pkce::challenge_for(p.verifier));
    for (char c : p.verifier) CHECK((std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'));
    CHECK(seen.insert(p.verifier).second);
    CHECK(seen.insert(s).second);
  }
}

TEST_CASE("callback: every accepted paste shape") {
  struct Case {
    const char* input;
    const char* code;
    const char* state;
  };
  for (const Case& c : {
           Case{"http://localhost:1455/auth/callback?code=abc&state=xyz", "abc", "xyz"},
           Case{"  'https://platform.claude.com/oauth/code/callback?code=a%2Fb&state=s1'\n", "a/b", "s1"},
           Case{"?code=abc&state=xyz", "abc", "xyz"},
           Case{"code=abc&state=xyz&scope=a+b", "abc", "xyz"},
           Case{"abc#xyz", "abc", "xyz"},
           Case{"\"4/0AbCd-Ef_gh\"", "4/0AbCd-Ef_gh", ""},
           Case{"http://127.0.0.1:5/cb#code=frag&state=fs", "frag", "fs"},
       }) {
    CAPTURE(c.input);
    auto r = parse_callback_input(c.input);
    REQUIRE(r.ok());
    CHECK(r->code == c.code);
    CHECK(r->state == c.state);
  }
}

TEST_CASE("callback: rejected pastes say what to paste") {
  for (const char* bad : {"", "   ", "https://example.com/cb?state=only", "?foo=bar", "two words"}) {
    CAPTURE(bad);
    auto r = parse_callback_input(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status() == JCODE_E_INVALID_ARG);
    CHECK_FALSE(r.error().message.empty());
  }
}

TEST_CASE("callback: state rules and error=") {
  auto full = parse_callback_input("http://x/cb?code=c&state=good");
  REQUIRE(full.ok());
  CHECK(check_callback(*full, "good", PasteInput::callback_url).ok());
  CHECK(check_callback(*full, "other", PasteInput::any).status() == JCODE_E_DENIED);
  auto bare = parse_callback_input("c0de");
  REQUIRE(bare.ok());
  CHECK(check_callback(*bare, "good", PasteInput::any).ok());
  auto strict = check_callback(*bare, "good", PasteInput::callback_url);
  CHECK(strict.status() == JCODE_E_INVALID_ARG);
  CHECK(strict.error().message.find("full callback URL") != std::string::npos);
  auto denied = parse_callback_input("http://x/cb?error=access_denied&error_description=User+said+no&state=good");
  REQUIRE(denied.ok());
  auto st = check_callback(*denied, "good", PasteInput::any);
  CHECK(st.status() == JCODE_E_DENIED);
  CHECK(st.error().message.find("access_denied (User said no)") != std::string::npos);
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
}
