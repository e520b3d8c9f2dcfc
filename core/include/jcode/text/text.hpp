// Byte-string helpers the core needs in many places: trimming, ASCII case, hex, and the
// percent/form encoding of URLs and OAuth bodies. ASCII only on purpose: the inputs are
// protocol tokens, header names, config keys and user answers, where locale rules would
// change what matches (std::isspace/std::tolower depend on the C locale).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::text {

// What std::isspace accepts in the "C" locale.
inline constexpr std::string_view ascii_whitespace = " \t\n\v\f\r";
// HTTP's optional whitespace around header values (RFC 9110 §5.6.3).
inline constexpr std::string_view http_ows = " \t";

// s without leading and/or trailing characters from `chars`.
std::string_view trim_view(std::string_view s, std::string_view chars = ascii_whitespace);
std::string_view trim_left_view(std::string_view s, std::string_view chars = ascii_whitespace);
std::string_view trim_right_view(std::string_view s, std::string_view chars = ascii_whitespace);
std::string trim(std::string_view s, std::string_view chars = ascii_whitespace);
// Trims s itself: for secrets, which should not be copied into a second buffer.
void trim_in_place(std::string& s, std::string_view chars = ascii_whitespace);

char ascii_lower(char c);
std::string ascii_lower(std::string_view s);
// Equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

// Two hex digits per byte.
std::string hex_encode(std::string_view bytes, bool upper = false);
// 0..15, or -1 when c is not a hex digit.
int hex_value(char c);

// RFC 3986 §2.3 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~". Everything else is
// encoded, including the sub-delims, so a component is safe in any part of a URL and in a
// form body.
bool is_unreserved(unsigned char c);
// Every byte that is not unreserved as %XX (upper-case hex unless upper is false; RFC 3986
// §2.1 says they are equivalent).
std::string percent_encode(std::string_view s, bool upper = true);
// Decodes each %XX once; in form mode '+' is a space as well. A '%' not followed by two hex
// digits is kept as it is.
std::string percent_decode(std::string_view s, bool form = false);

// application/x-www-form-urlencoded fields, in order (a key may repeat).
using FormFields = std::vector<std::pair<std::string, std::string>>;
// "a=1&b=x%20y": percent_encode of each key and value (a space is %20, which every form
// parser accepts), no leading '?'.
std::string form_encode(const FormFields& fields);
// Splits "a=1&b=x+y%21" into decoded pairs; empty segments are skipped, a segment without
// '=' is a key with an empty value.
FormFields form_decode(std::string_view body);
// The first value of key, or nullopt.
std::optional<std::string> form_value(const FormFields& fields, std::string_view key);

// Levenshtein distance (bytes), for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `word`, when it is within max_distance edits; "" otherwise.
std::string closest(std::string_view word, const std::vector<std::string>& candidates, std::size_t max_distance = 3);

}  // namespace jcode::text
