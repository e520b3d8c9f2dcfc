// The Anthropic Messages API call shared by the `claude` (subscription OAuth, Claude Code
// contract) and `anthropic-api` (API key) plugins: URL, headers, streaming into
// StreamDecoder, and the meaning of failures. The pure parts are separate functions so tests
// check them without a host.
#pragma once

#include "contract.hpp"
#include "errors.hpp"
#include "request_builder.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/stream_send.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::claude {

using support::Headers;

// The contract of a mode with the [plugins.<id>] overrides applied. OAuth: user_agent, betas,
// identity, anthropic_version, tool_names.<native>. API key: anthropic_version and betas
// (none by default); no identity line, no renaming.
Contract default_contract(AuthMode mode);
Contract load_contract(const plugin::Host& host, AuthMode mode);

// Those settings as declared to the host (ABI 1.2), which checks their types.
inline constexpr jcode_config_decl kSetAnthropicVersion =
    plugin::setting("anthropic_version", JCODE_CONFIG_STRING, "anthropic-version header (e.g. \"2023-06-01\")");
inline constexpr jcode_config_decl kSetBetas = plugin::setting(
    "betas", JCODE_CONFIG_STRING_LIST, "anthropic-beta values: a comma-separated string or an array of strings");
inline constexpr jcode_config_decl kSetUserAgent =
    plugin::setting("user_agent", JCODE_CONFIG_STRING, "User-Agent header of the Claude Code contract");
inline constexpr jcode_config_decl kSetIdentity =
    plugin::setting("identity", JCODE_CONFIG_STRING, "the system prompt's first line (Claude Code contract)");
inline constexpr jcode_config_decl kSetToolNames = plugin::setting(
    "tool_names", JCODE_CONFIG_STRING_TABLE, "wire names of the built-in tools: tool_names.<native> = \"Name\"");
inline constexpr const jcode_config_decl* const kOAuthSettings[] = {
    &kSetAnthropicVersion, &kSetBetas, &kSetUserAgent, &kSetIdentity, &kSetToolNames, nullptr};
inline constexpr const jcode_config_decl* const kApiKeySettings[] = {&kSetAnthropicVersion, &kSetBetas, nullptr};

// <origin>/v1/messages, with ?beta=true in OAuth mode (the contract requires it).
std::string messages_url(std::string_view api_origin, AuthMode mode);

// Request headers including the credential (Authorization: Bearer in OAuth mode, x-api-key
// with a key). The result holds the secret: callers keep it short-lived.
Headers messages_headers(AuthMode mode, const Contract& contract, std::string_view secret);

// Everything one Messages call needs besides the request and the credential.
struct MessagesSetup {
  AuthMode mode = AuthMode::oauth;
  Contract contract;
  ErrorContext errors;
  std::string default_model;
};

// One streamed turn: builds the body and runs the shared send path (support::send_streamed)
// with this API's decoder and failure wording (401 → JCODE_E_AUTH_EXPIRED, …).
jcode_status send_messages(const plugin::Host& host, const MessagesSetup& setup, const jcode_chat_request& req,
                           std::string_view secret, const jcode_event_sink& events);

}  // namespace jcode::claude
