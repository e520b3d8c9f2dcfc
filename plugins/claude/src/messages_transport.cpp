#include "messages_transport.hpp"

#include "stream_decoder.hpp"

#include <map>

namespace jcode::claude {
namespace {

using plugin::str;
using plugin::view;

}  // namespace

Contract default_contract(AuthMode mode) {
  Contract c;
  if (mode == AuthMode::api_key) {
    c.betas.clear();
    c.identity.clear();
    c.user_agent.clear();
    c.tool_names.clear();
  }
  return c;
}

Contract load_contract(const plugin::Host& host, AuthMode mode) {
  // The provider changes these values from time to time, so users can override each one.
  Contract c = default_contract(mode);
  if (auto v = host.config("anthropic_version")) c.anthropic_version = *v;
  if (auto v = host.config("betas")) c.betas = *v;
  if (mode == AuthMode::api_key) return c;
  if (auto v = host.config("user_agent")) c.user_agent = *v;
  if (auto v = host.config("identity")) c.identity = *v;
  for (auto& [native, wire] : c.tool_names)
    if (auto v = host.config("tool_names." + native)) wire = *v;
  return c;
}

std::string messages_url(std::string_view api_origin, AuthMode mode) {
  std::string url(api_origin);
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += mode == AuthMode::oauth ? "/v1/messages?beta=true" : "/v1/messages";
  return url;
}

Headers messages_headers(AuthMode mode, const Contract& contract, std::string_view secret) {
  Headers h = {
      {"anthropic-version", contract.anthropic_version},
      {"content-type", "application/json"},
      {"accept", "text/event-stream"},
  };
  if (mode == AuthMode::oauth) {
    h.add("Authorization", "Bearer " + std::string(secret));
    h.add("User-Agent", contract.user_agent);
  } else {
    h.add("x-api-key", std::string(secret));
    if (!contract.user_agent.empty()) h.add("User-Agent", contract.user_agent);
  }
  if (!contract.betas.empty()) h.add("anthropic-beta", contract.betas);
  return h;
}

jcode_status send_messages(const plugin::Host& host, const MessagesSetup& setup, const jcode_chat_request& req,
                           std::string_view secret, const jcode_event_sink& events) {
  std::string model = req.model.len ? std::string(view(req.model)) : setup.default_model;
  BuiltRequest body = build_messages_body(view(req.conversation), model, setup.mode, setup.contract, true);
  if (!body.error.empty()) return host.error(JCODE_E_INVALID_ARG, body.error);

  auto api = host.endpoint_url("api");
  // The host recorded why (the variable or setting, its value, the reason): pass that on.
  if (!api) return JCODE_E_INVALID_ARG;
  support::StreamCall call;
  call.url = messages_url(*api, setup.mode);
  call.headers = messages_headers(setup.mode, setup.contract, secret);
  call.body = std::move(body.body);

  support::StreamRules rules;
  rules.http_failure = [&setup](int32_t status, const std::string& b) { return classify_http(status, b, setup.errors); };
  rules.stream_failure = [&setup](std::string_view type, std::string_view message) {
    return classify_stream_error(type, message, setup.errors);
  };
  rules.unfinished = "the Anthropic stream ended before message_stop (connection cut?)";

  StreamDecoder decoder(setup.mode == AuthMode::oauth ? setup.contract.wire_to_native()
                                                      : std::map<std::string, std::string>{},
                        support::emit_to(events));
  return support::send_streamed(host, call, decoder, rules);
}

}  // namespace jcode::claude
