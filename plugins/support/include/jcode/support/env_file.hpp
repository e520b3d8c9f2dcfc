// jcode's KEY=value env files (the app config dir's <provider>.env): replace one variable,
// keeping every other line as it is.
#pragma once

#include <string>
#include <string_view>

namespace jcode::support {

// `text` with `key`=`value` (the first line of that key replaced, later duplicates dropped, or
// the line appended). `export KEY=` lines count as the key.
std::string env_file_set(std::string_view text, std::string_view key, std::string_view value);

}  // namespace jcode::support
