// Incremental Server-Sent Events parser (WHATWG HTML "Server-sent events", §9.2.6
// "Interpreting an event stream"). No I/O: bytes go in through feed(), events come out
// through a callback, however the stream is split into chunks.
#pragma once

#include <jcode/error.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jcode::http {

struct SseEvent {
  std::string_view event;  // the `event:` field, "" when absent (the spec's "message")
  std::string_view data;   // `data:` lines joined with '\n'
  std::string_view id;     // the last event id seen so far (it persists across events)
};

class SseParser {
 public:
  // Called once per dispatched event; the views are valid only during the call. An error
  // stops feed() and is returned by it.
  using Handler = std::function<Status(const SseEvent&)>;

  // max_buffer bounds the bytes of one pending line plus one pending event's data, so a
  // peer cannot make the parser grow without limit (JCODE_E_PROTOCOL beyond).
  explicit SseParser(Handler handler, size_t max_buffer = 16u << 20);

  // Feeds the next bytes of the stream. Line endings may be \n, \r\n or \r, and a \r\n
  // pair may be split across two calls. A UTF-8 BOM at the very start is skipped. After
  // an error the parser stays failed and returns the same error.
  Status feed(std::string_view bytes);

  // The end of the stream. Per the spec an event not terminated by a blank line is
  // discarded, never dispatched; returns true when such a partial event (or line) was
  // dropped, so the caller can log a truncated stream.
  bool finish();

  const std::string& last_event_id() const { return last_id_; }
  // The last valid `retry:` value in milliseconds, or -1 if none was sent.
  long long retry_ms() const { return retry_ms_; }
  size_t events_dispatched() const { return dispatched_; }

 private:
  Status process_line(std::string_view line);
  Status dispatch();

  Handler handler_;
  size_t max_buffer_;
  std::string line_;      // the current, unterminated line
  std::string event_;
  std::string data_;
  std::string last_id_;
  bool have_data_ = false;
  bool pending_fields_ = false;  // any field seen since the last dispatch
  bool bom_checked_ = false;
  bool after_cr_ = false;        // the previous chunk ended with \r: skip a leading \n
  long long retry_ms_ = -1;
  size_t dispatched_ = 0;
  std::optional<Error> failed_;
};

}  // namespace jcode::http
