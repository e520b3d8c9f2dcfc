#include <jcode/support/stream_send.hpp>

namespace jcode::support {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Headers& Headers::operator=(Headers&& other) noexcept {
  if (this != &other) {
    wipe();
    items_ = std::move(other.items_);
    other.items_.clear();
  }
  return *this;
}

const std::string* Headers::find(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (same_name(k, name)) return &v;
  return nullptr;
}

void Headers::wipe() noexcept {
  for (auto& [k, v] : items_)
    for (volatile char& c : v) c = 0;
}

jcode_status send_streamed(const plugin::Host& host, const StreamCall& call, Decoder& decoder,
                           const StreamRules& rules) {
  std::vector<jcode_kv> headers = plugin::kv_list(call.headers.items());
  plugin::StreamedResponse response(plugin::StreamedResponse::feeding(decoder));
  jcode_http_request request =
      plugin::http_request("POST", call.url, headers, call.body, call.flags, call.timeout_ms);
  jcode_status st = host.http(request, response.sink());
  if (st != JCODE_OK) {
    if (!response.event_error().empty()) return host.error(st, response.event_error());
    return st;  // the host set the message (network, timeout, cancelled) or an emit stopped us
  }
  auto fail = [&host](const Failure& f) { return host.error(f.status, f.message); };
  if (!response.ok()) {
    if (rules.http_failure) return fail(rules.http_failure(response.status(), response.body()));
    return host.error(JCODE_E_SERVER, "the service answered HTTP " + std::to_string(response.status()));
  }
  if (!decoder.saw_error())
    if (jcode_status es = decoder.end_of_stream(); es != JCODE_OK) return es;
  if (decoder.saw_error()) {
    if (rules.stream_failure) return fail(rules.stream_failure(decoder.error_code(), decoder.error_message()));
    return host.error(JCODE_E_SERVER, decoder.error_message());
  }
  if (!decoder.finished())
    return host.error(JCODE_E_NETWORK, rules.unfinished.empty() ? "the stream ended early" : rules.unfinished);
  return JCODE_OK;
}

}  // namespace jcode::support
