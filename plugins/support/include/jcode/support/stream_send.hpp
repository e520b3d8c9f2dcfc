// The one streamed-send path of every HTTP transport: POST the request through host->http
// with the credential headers, feed the SSE events to the provider's stream decoder, map a
// non-2xx answer and an error event to a status and a message, notice a stream that ended
// early, and wipe the header copies that held the credential. A provider supplies only data:
// the URL, the headers, the body, its decoder and its wording for failures.
#pragma once

#include <jcode/plugin.h>
#include <jcode/plugin.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::support {

// What a failure means: the status to return (it decides refresh/retry in the host) and the
// message the user reads.
struct Failure {
  jcode_status status = JCODE_OK;
  std::string message;
};

// Request headers, some holding a credential: every value is overwritten with zeros when the
// list is destroyed, so no copy of a token outlives the request in freed memory.
class Headers {
 public:
  using Item = std::pair<std::string, std::string>;
  Headers() = default;
  Headers(std::initializer_list<Item> items) : items_(items) {}
  Headers(Headers&& other) noexcept : items_(std::move(other.items_)) { other.items_.clear(); }
  Headers& operator=(Headers&& other) noexcept;
  Headers(const Headers&) = delete;
  Headers& operator=(const Headers&) = delete;
  ~Headers() { wipe(); }

  void add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
  // The value of the first header named `name` (ASCII case-insensitive), or nullptr.
  const std::string* find(std::string_view name) const;
  const std::vector<Item>& items() const noexcept { return items_; }
  std::vector<Item>::const_iterator begin() const noexcept { return items_.begin(); }
  std::vector<Item>::const_iterator end() const noexcept { return items_.end(); }

 private:
  void wipe() noexcept;
  std::vector<Item> items_;
};

// What the send path needs from a stream decoder. Each wire format (Anthropic Messages,
// Responses, Chat Completions, Gemini) implements it once, in its own pure decoder.
class Decoder {
 public:
  virtual ~Decoder() = default;
  // One SSE event. The emit status, or JCODE_E_PROTOCOL with error_message() set.
  virtual jcode_status feed(std::string_view event, std::string_view data) = 0;
  // The body ended (without an error): formats whose end marker is optional finish here.
  virtual jcode_status end_of_stream() { return JCODE_OK; }
  virtual bool finished() const = 0;   // the format's final event was seen
  virtual bool saw_error() const = 0;  // an error event arrived inside a 2xx stream
  virtual const std::string& error_code() const = 0;
  virtual const std::string& error_message() const = 0;
};

// One streamed POST.
struct StreamCall {
  std::string url;  // the effective URL (from host endpoint_url/resolve_url plus the path)
  Headers headers;  // content-type, accept, the credential
  std::string body;
  // Retries are safe: the host retries connect errors, 429 and 5xx only before any body.
  uint32_t flags = JCODE_HTTP_F_RETRY | JCODE_HTTP_F_SSE;
  uint32_t timeout_ms = 0;  // idle timeout; 0 = the host's default
};

// The provider's wording of failures.
struct StreamRules {
  // A non-2xx answer (after the host's retries): its status code and body.
  std::function<Failure(int32_t http_status, const std::string& body)> http_failure;
  // An error event inside a 2xx stream (code may be empty).
  std::function<Failure(std::string_view code, std::string_view message)> stream_failure;
  // The stream ended before its final event (the connection was cut), e.g. "the OpenAI
  // stream ended before response.completed"; JCODE_E_NETWORK.
  std::string unfinished;
};

// Runs `call`, feeding `decoder`, which emits the jcode events. Returns JCODE_OK once the
// decoder saw the end of the answer; otherwise the failure's status with host->set_error.
jcode_status send_streamed(const plugin::Host& host, const StreamCall& call, Decoder& decoder,
                           const StreamRules& rules);

// The decoder's emit callback: forwards each event to the host's event sink.
inline std::function<jcode_status(const jcode_event&)> emit_to(const jcode_event_sink& events) {
  return [&events](const jcode_event& e) { return events.emit(events.self, &e); };
}

}  // namespace jcode::support
