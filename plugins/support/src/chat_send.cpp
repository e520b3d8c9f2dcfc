#include <jcode/support/chat_send.hpp>

namespace jcode::support::chat_completions {
namespace {

std::map<std::string, std::string> invert(const std::map<std::string, std::string>& native_to_wire) {
  std::map<std::string, std::string> out;
  for (const auto& [native, wire] : native_to_wire) out.emplace(wire, native);
  return out;
}

}  // namespace

jcode_status send(const plugin::Host& host, Target target, std::string_view conversation,
                  const jcode_event_sink& events) {
  target.build.model = target.model;
  Built built = build_request(conversation, target.build);
  if (!built.error.empty()) return host.error(JCODE_E_INVALID_ARG, built.error);
  StreamCall call;
  call.url = std::move(target.url);
  call.headers = {{"content-type", "application/json"}, {"accept", "text/event-stream"}};
  for (const auto& [k, v] : target.auth) call.headers.add(k, v);
  call.body = std::move(built.body);
  StreamDecoder decoder(emit_to(events), invert(target.build.tool_names));
  return send_streamed(host, call, decoder, target.rules);
}

}  // namespace jcode::support::chat_completions
