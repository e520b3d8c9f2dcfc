// Where a GitHub token for Copilot may already be: the Copilot CLI's config, the legacy
// github-copilot hosts.json/apps.json of the editor plugins, OpenCode/pi entries. Pure
// parsing (tests feed the files' text); which file is read, and whether, is the host's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jcode::copilot {

struct GithubToken {
  std::string token;
  std::string user;  // "" when the file does not say
};

// A value that looks like a GitHub OAuth/app/PAT token (gho_, ghu_, github_pat_, ghs_).
bool looks_like_github_token(std::string_view v);

// ~/.copilot/config.json: the first token-looking value under a key oauth_token, token,
// github_token or access_token, searched depth first. nullopt when none; `error` is set
// when the text is not a JSON object.
std::optional<GithubToken> from_cli_config(std::string_view text, std::string& error);

// hosts.json {"github.com": {"user", "oauth_token"}} and apps.json {"github.com:<client id>":
// {...}}: host keys are compared without the ":<client id>" suffix; github.com wins over
// api.github.com over any other *.github.com host.
std::optional<GithubToken> from_hosts_file(std::string_view text, std::string& error);

}  // namespace jcode::copilot
