// The URL-encoding the OAuth messages need: application/x-www-form-urlencoded bodies and
// query strings (RFC 3986 unreserved characters kept, everything else %XX).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::auth {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string percent_encode(std::string_view s);
// Decodes %XX once; in form mode '+' is a space. Malformed escapes are kept as they are.
std::string percent_decode(std::string_view s, bool form = true);
// "a=1&b=2" (no leading '?'), in order.
std::string encode_query(const Params& params);
// Splits "a=1&b=x%20y" into decoded pairs; empty segments are skipped.
Params parse_query(std::string_view query);
// The first value of key, or nullopt.
std::optional<std::string> param(const Params& params, std::string_view key);

}  // namespace jcode::auth
