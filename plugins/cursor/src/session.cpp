#include "session.hpp"

#include <algorithm>
#include <cctype>

namespace jcode::cursor {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The first word after "logged in as" (or "authenticated as"), without trailing punctuation.
std::string account_after(std::string_view text, std::string_view low, std::string_view phrase) {
  size_t at = low.find(phrase);
  if (at == std::string_view::npos) return {};
  size_t b = at + phrase.size();
  while (b < text.size() && (text[b] == ' ' || text[b] == '\t')) ++b;
  size_t e = b;
  while (e < text.size() && !std::isspace(static_cast<unsigned char>(text[e]))) ++e;
  std::string word(text.substr(b, e - b));
  while (!word.empty() && std::string_view(".,;:!)").find(word.back()) != std::string_view::npos) word.pop_back();
  return word;
}

}  // namespace

std::optional<Session> read_status(int exit_code, std::string_view output) {
  if (exit_code != 0) return std::nullopt;
  const std::string low = lower(output);
  for (const char* no : {"not logged in", "not authenticated", "unauthenticated", "logged out", "no active session"})
    if (low.find(no) != std::string::npos) return std::nullopt;
  for (const char* yes : {"logged in as", "authenticated as", "signed in as"})
    if (low.find(yes) != std::string::npos) return Session{account_after(output, low, yes)};
  for (const char* yes : {"logged in", "authenticated", "signed in"})
    if (low.find(yes) != std::string::npos) return Session{};
  return std::nullopt;
}

}  // namespace jcode::cursor
