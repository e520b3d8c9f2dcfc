// jcode::text: the one trim, ASCII case, hex and percent/form encoding the core uses.
#include <jcode/text/json.hpp>
#include <jcode/text/text.hpp>

#include <doctest/doctest.h>

using namespace jcode::text;

TEST_CASE("text: trim removes ASCII whitespace by default, or the given characters") {
  CHECK(trim("  a b \t\r\n\v\f") == "a b");
  CHECK(trim_view("\n\tx\n") == "x");
  CHECK(trim("") == "");
  CHECK(trim(" \t\r\n") == "");
  CHECK(trim_left_view("  a  ") == "a  ");
  CHECK(trim_right_view("  a  ") == "  a");
  // Only ASCII: a no-break space (U+00A0) is content.
  CHECK(trim("\xC2\xA0" "a") == "\xC2\xA0" "a");
  // HTTP OWS is space and tab only.
  CHECK(trim_view(" 5\r\n", http_ows) == "5\r\n");
  CHECK(trim_view("\t120 ", http_ows) == "120");
  CHECK(trim_right_view("token\r\n\r\n", "\r\n") == "token");
  CHECK(trim_right_view(" token \n", "\r\n") == " token ");
}

TEST_CASE("text: ASCII case") {
  CHECK(ascii_lower("Content-TYPE: X") == "content-type: x");
  CHECK(ascii_lower("\xC3\x89") == "\xC3\x89");  // É is not ASCII: unchanged
  CHECK(ascii_lower('Z') == 'z');
  CHECK(ascii_lower('[') == '[');
  CHECK(iequals("Authorization", "authorization"));
  CHECK_FALSE(iequals("Authorization", "authorizatio"));
  CHECK_FALSE(iequals("a", "b"));
  CHECK(iequals("", ""));
}

TEST_CASE("text: hex") {
  CHECK(hex_encode(std::string("\x00\xff\x10", 3)) == "00ff10");
  CHECK(hex_encode(std::string("\x00\xff\x10", 3), true) == "00FF10");
  CHECK(hex_encode("") == "");
  CHECK(hex_value('0') == 0);
  CHECK(hex_value('a') == 10);
  CHECK(hex_value('F') == 15);
  CHECK(hex_value('g') == -1);
}

TEST_CASE("text: percent encoding keeps exactly RFC 3986's unreserved characters") {
  const std::string unreserved = "ABCXYZabcxyz0189-._~";
  CHECK(percent_encode(unreserved) == unreserved);
  CHECK(percent_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
  CHECK(percent_encode("!*'();:@+$,?#[]") == "%21%2A%27%28%29%3B%3A%40%2B%24%2C%3F%23%5B%5D");
  CHECK(percent_encode("\xff", false) == "%ff");
  CHECK(percent_encode(std::string("\0", 1)) == "%00");
}

TEST_CASE("text: percent decoding decodes once; '+' is a space only in form mode") {
  CHECK(percent_decode("a%2520b") == "a%20b");
  CHECK(percent_decode("a+b") == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("100%") == "100%");
  CHECK(percent_decode("%4") == "%4");
  CHECK(percent_decode("%zz%41") == "%zzA");
  CHECK(percent_decode("%c3%a9%C3%A9") == "éé");
  CHECK(percent_decode(percent_encode("x y+z/é")) == "x y+z/é");
}

TEST_CASE("text: form bodies and query strings") {
  FormFields p{{"redirect_uri", "http://localhost:1455/auth/callback"}, {"scope", "a b"}};
  CHECK(form_encode(p) == "redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback&scope=a%20b");
  CHECK(form_decode(form_encode(p)) == p);
  CHECK(form_encode({}) == "");
  CHECK(form_value(form_decode("a=1&&b=2&a=3"), "a") == "1");
  CHECK(form_value(form_decode("a=1"), "b") == std::nullopt);
  CHECK(form_decode("flag&x=a+b%2B") == FormFields{{"flag", ""}, {"x", "a b+"}});
}

TEST_CASE("text: lenient JSON string fields") {
  const auto j = nlohmann::json::parse(R"({"s": "v", "n": 3, "o": {"s": "inner"}, "e": ""})");
  CHECK(json_string(j, "s") == "v");
  CHECK(json_string(j, "n") == "");
  CHECK(json_string(j, "missing") == "");
  CHECK(json_string(j, "e") == "");
  CHECK(json_string(j["o"], "s") == "inner");
  CHECK(json_string(nlohmann::json::array({"s"}), "s") == "");
  CHECK(json_string(nlohmann::json(), "s") == "");
}

TEST_CASE("text: trim_in_place trims the string itself") {
  std::string s = " \t secret-value \r\n";
  trim_in_place(s);
  CHECK(s == "secret-value");
  std::string blank = " \n ";
  trim_in_place(blank);
  CHECK(blank.empty());
  std::string kept = "x";
  trim_in_place(kept);
  CHECK(kept == "x");
  std::string only_blanks = "a  ";
  trim_in_place(only_blanks, " ");
  CHECK(only_blanks == "a");
}
