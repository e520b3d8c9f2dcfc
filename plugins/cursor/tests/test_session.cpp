// Reading `cursor-agent status`: its wording is for people, so the phrases are matched.
#include "session.hpp"

#include <doctest/doctest.h>

using jcode::cursor::read_status;

TEST_CASE("cursor status: logged in, with the account when it is printed") {
  auto s = read_status(0, "\xE2\x9C\x93 Logged in as dev@example.com\n");
  REQUIRE(s);
  CHECK(s->account == "dev@example.com");
  s = read_status(0, "Authenticated as octo.\n");
  REQUIRE(s);
  CHECK(s->account == "octo");
  s = read_status(0, "Status: logged in\n");
  REQUIRE(s);
  CHECK(s->account.empty());
}

TEST_CASE("cursor status: a negative phrase, a failed run or unknown words are no session") {
  CHECK_FALSE(read_status(0, "Not logged in. Run cursor-agent login\n"));
  CHECK_FALSE(read_status(0, "You are not authenticated (logged in as nobody)\n"));
  CHECK_FALSE(read_status(1, "Logged in as dev@example.com\n"));
  CHECK_FALSE(read_status(0, "cursor-agent 2026.07.08\n"));
  CHECK_FALSE(read_status(0, ""));
}
