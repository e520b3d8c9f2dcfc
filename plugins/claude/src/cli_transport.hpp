// The deprecated Claude CLI transport (JCODE_USE_CLAUDE_CLI=1 / --provider claude-subprocess):
// runs Claude Code in print mode through host->spawn and turns its stream-json output into
// jcode events. The CLI uses its own login; no jcode credential is needed or passed.
#pragma once

#include <jcode/plugin.hpp>

#include <atomic>

namespace jcode::claude {

class CliTransport {
 public:
  // One turn. Warns once per process that the transport is deprecated.
  jcode_status send(const plugin::Host& host, const jcode_chat_request& req, const jcode_event_sink& events);

 private:
  std::atomic<bool> warned_{false};
};

}  // namespace jcode::claude
