// The native Copilot path ([plugins.copilot] transport = "api"): the GitHub token is exchanged
// for a short-lived Copilot token (copilot_internal/v2/token), kept until a minute before it
// expires, and Chat Completions go to api.githubcopilot.com with the editor headers Copilot
// requires; a 401/403 there drops the Copilot token and retries once with a fresh one.
#pragma once

#include <jcode/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace jcode::copilot {

class NativeSession {
 public:
  explicit NativeSession(plugin::Host host) : host_(host) {}
  ~NativeSession();
  NativeSession(const NativeSession&) = delete;
  NativeSession& operator=(const NativeSession&) = delete;

  jcode_status send(std::string_view github_token, const std::string& model, std::string_view conversation,
                    const jcode_event_sink& events);

 private:
  jcode_status exchange(std::string_view github_token);
  void forget();

  plugin::Host host_;
  std::string for_github_;  // the GitHub token the Copilot token was issued for
  std::string token_;
  int64_t expires_at_ms_ = 0;
};

}  // namespace jcode::copilot
