#include <jcode/crypto/crypto.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <vector>

using namespace jcode::crypto;

TEST_CASE("crypto: sha256 and fingerprint against known vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256("abc").size() == 32);
  CHECK(fingerprint("abc") == "ba7816bf8f01cfea");
  CHECK(fingerprint("abc").size() == 16);
}

TEST_CASE("crypto: RFC 7636 appendix B PKCE vector") {
  CHECK(pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_CASE("crypto: base64 and base64url, RFC 4648 vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : vectors) {
    CHECK(base64_encode(plain) == enc);
    CHECK(*base64_decode(enc) == plain);
    std::string unpadded(enc);
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    CHECK(base64url_encode(plain) == unpadded);
    CHECK(*base64url_decode(unpadded) == plain);
    CHECK(*base64url_decode(enc) == plain);  // padding accepted
  }
  const std::string bin("\xfb\xff\xbf", 3);
  CHECK(base64_encode(bin) == "+/+/");
  CHECK(base64url_encode(bin) == "-_-_");
  CHECK(!base64url_decode("+/+/").ok());
  CHECK(!base64_decode("-_-_").ok());
  CHECK(!base64url_decode("Zg=").ok());     // padding must complete the quantum
  CHECK(!base64url_decode("Z").ok());       // impossible length
  CHECK(!base64url_decode("Zh").ok());      // non-zero trailing bits
  CHECK(!base64url_decode("Zm9v\n").ok());
  auto bad = base64url_decode("secret-token!");
  REQUIRE(!bad.ok());
  CHECK(bad.error().message.find("secret") == std::string::npos);
  for (int n = 0; n < 64; ++n) {
    auto raw = random_bytes(static_cast<std::size_t>(n));
    REQUIRE(raw.ok());
    CHECK(*base64url_decode(base64url_encode(*raw)) == *raw);
    CHECK(*base64_decode(base64_encode(*raw)) == *raw);
  }
}

TEST_CASE("crypto: random strings have the right alphabet, length and differ") {
  auto a = random_urlsafe(43);
  auto b = random_urlsafe(43);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->size() == 43);
  CHECK(*a != *b);
  CHECK(a->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
  auto c = random_alnum(2000);
  REQUIRE(c.ok());
  CHECK(c->size() == 2000);
  CHECK(c->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos);
  CHECK(std::set<char>(c->begin(), c->end()).size() == 62);  // 2000 draws hit every symbol
  unsigned char buf[32] = {};
  REQUIRE(random_bytes(buf, sizeof buf).ok());
  CHECK(random_urlsafe(0)->empty());
}

TEST_CASE("crypto: constant_time_equals") {
  CHECK(constant_time_equals("state-abc", "state-abc"));
  CHECK(!constant_time_equals("state-abc", "state-abd"));
  CHECK(!constant_time_equals("state-abc", "state-ab"));
  CHECK(constant_time_equals("", ""));
}

TEST_CASE("crypto: jwt_claims reads the payload without verifying") {
  const std::string payload = R"({"exp":1700000000,"https://api.openai.com/auth":{"chatgpt_account_id":"acc-1"}})";
  const std::string token = base64url_encode(R"({"alg":"RS256"})") + "." + base64url_encode(payload) + ".sig";
  auto c = jwt_claims(token);
  REQUIRE(c.ok());
  CHECK((*c)["exp"] == 1700000000);
  CHECK((*c)["https://api.openai.com/auth"]["chatgpt_account_id"] == "acc-1");
  // Standard-alphabet payloads with padding are accepted too.
  const std::string std_token = "e30." + base64_encode("{\"a\":\"\?\?>\"}") + ".";
  auto s = jwt_claims(std_token);
  REQUIRE(s.ok());
  CHECK((*s)["a"] == "\?\?>");
  for (const std::string& bad : std::vector<std::string>{"", "abc", "a.b", "a.!!!.c", "e30." + base64url_encode("[1]") + ".x",
                                "e30." + base64url_encode("not json") + ".x"}) {
    auto r = jwt_claims(bad);
    REQUIRE(!r.ok());
    CHECK(r.error().status == JCODE_E_PROTOCOL);
  }
}
