// One Chat Completions turn through the shared send path: the body from jcode's neutral
// conversation, the stream decoded into jcode events, failures in the provider's wording.
// Every Chat Completions provider (Azure OpenAI, Fireworks, MiniMax, the OpenAI-compatible
// presets) sends through this; none has a send path of its own.
#pragma once

#include <jcode/plugin.hpp>
#include <jcode/support/chat_completions.hpp>
#include <jcode/support/stream_send.hpp>

#include <string>

namespace jcode::support::chat_completions {

struct Target {
  std::string url;    // the full …/chat/completions URL
  Headers auth;       // the credential header(s): Authorization: Bearer …, api-key: …
  std::string model;  // the model (or deployment) to ask
  BuildOptions build; // its model is replaced by `model`
  StreamRules rules;  // failure wording (support::openai_rules for OpenAI-style services)
};

// Builds the request (JCODE_E_INVALID_ARG on a malformed conversation), posts it with
// content-type/accept and the credential, and decodes the stream.
jcode_status send(const plugin::Host& host, Target target, std::string_view conversation,
                  const jcode_event_sink& events);

}  // namespace jcode::support::chat_completions
