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
    h.emplace_back("Authorization", "Bearer " + std::string(secret));
    h.emplace_back("User-Agent", contract.user_agent);
  } else {
    h.emplace_back("x-api-key", std::string(secret));
    if (!contract.user_agent.empty()) h.emplace_back("User-Agent", contract.user_agent);
  }
  if (!contract.betas.empty()) h.emplace_back("anthropic-beta", contract.betas);
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
  std::string url = messages_url(*api, setup.mode);
  Headers owned = messages_headers(setup.mode, setup.contract, secret);
  struct Wipe {  // the header copies hold the credential
    Headers& h;
    ~Wipe() {
      for (auto& kv : h)
        for (volatile char& c : kv.second) c = 0;
    }
  } wipe{owned};
  std::vector<jcode_kv> headers = plugin::kv_list(owned);

  StreamDecoder decoder(setup.mode == AuthMode::oauth ? setup.contract.wire_to_native()
                                                      : std::map<std::string, std::string>{},
                        [&events](const jcode_event& e) { return events.emit(events.self, &e); });
  plugin::StreamedResponse s(plugin::StreamedResponse::feeding(decoder));
  // Retries are safe: the host retries 429/5xx (incl. 529) only before any body arrived.
  jcode_http_request hr =
      plugin::http_request("POST", url, headers, body.body, JCODE_HTTP_F_RETRY | JCODE_HTTP_F_SSE);
  jcode_status st = host.http(hr, s.sink());
  if (st != JCODE_OK) {
    if (!s.event_error().empty()) return host.error(st, s.event_error());
    return st;  // the host set the message (network, timeout, cancelled) or an emit stopped us
  }
  if (!s.ok()) {
    Failure f = classify_http(s.status(), s.body(), setup.errors);
    return host.error(f.status, f.message);
  }
  if (decoder.saw_error()) {
    Failure f = classify_stream_error(decoder.error_type(), decoder.error_message(), setup.errors);
    return host.error(f.status, f.message);
  }
  if (!decoder.finished())
    return host.error(JCODE_E_PROTOCOL, "the Anthropic stream ended before message_stop (connection cut?)");
  return JCODE_OK;
}

}  // namespace jcode::claude
