// What `cursor-agent status` says about the CLI's own login. Its output is meant for people
// ("✓ Logged in as dev@example.com", "Not logged in"), so it is read leniently: a negative
// phrase wins over a positive one, and anything unrecognised counts as not logged in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jcode::cursor {

struct Session {
  std::string account;  // the email or name after "as", when the CLI printed one
};

// The session `status` reported (exit code and combined output), or nullopt when it is not
// logged in (or said nothing jcode understands).
std::optional<Session> read_status(int exit_code, std::string_view output);

}  // namespace jcode::cursor
