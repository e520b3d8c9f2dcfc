#include <jcode/http/sse.hpp>

#include <algorithm>
#include <charconv>

namespace jcode::http {

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";
}

SseParser::SseParser(Handler handler, size_t max_buffer)
    : handler_(std::move(handler)), max_buffer_(max_buffer) {}

Status SseParser::feed(std::string_view bytes) {
  if (failed_) return *failed_;
  if (!bom_checked_) {
    // The BOM may itself be split across chunks: hold back a matching prefix until it is
    // either complete (dropped) or contradicted (kept as data).
    line_.append(bytes);
    if (line_.size() < kBom.size() && kBom.starts_with(line_)) return {};
    bom_checked_ = true;
    std::string head = std::move(line_);
    line_.clear();
    if (head.starts_with(kBom)) head.erase(0, kBom.size());
    return feed(head);
  }

  size_t pos = 0;
  if (after_cr_ && !bytes.empty()) {
    after_cr_ = false;
    if (bytes[0] == '\n') pos = 1;
  }
  while (pos < bytes.size()) {
    const size_t end = bytes.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) {
      if (line_.size() + (bytes.size() - pos) > max_buffer_) {
        failed_ = Error{JCODE_E_PROTOCOL,
                        "event stream line longer than " + std::to_string(max_buffer_) +
                            " bytes: the server sent no line break"};
        return *failed_;
      }
      line_.append(bytes.substr(pos));
      break;
    }
    Status st;
    if (line_.empty()) {
      st = process_line(bytes.substr(pos, end - pos));
    } else {
      line_.append(bytes.substr(pos, end - pos));
      st = process_line(line_);
      line_.clear();
    }
    if (!st) {
      failed_ = st.error();
      return st;
    }
    pos = end + 1;
    if (bytes[end] == '\r') {
      if (pos == bytes.size()) {
        after_cr_ = true;  // a '\n' opening the next chunk belongs to this line ending
      } else if (bytes[pos] == '\n') {
        ++pos;
      }
    }
  }
  return {};
}

Status SseParser::process_line(std::string_view line) {
  if (line.empty()) return dispatch();
  if (line.front() == ':') return {};  // comment (keep-alive)

  std::string_view field = line;
  std::string_view value;
  if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }

  if (field == "data") {
    if (data_.size() + value.size() + 1 > max_buffer_) {
      return Error{JCODE_E_PROTOCOL, "event stream event larger than " +
                                         std::to_string(max_buffer_) + " bytes"};
    }
    if (have_data_) data_.push_back('\n');
    data_.append(value);
    have_data_ = true;
    pending_fields_ = true;
  } else if (field == "event") {
    event_.assign(value);
    pending_fields_ = true;
  } else if (field == "id") {
    // An id holding NUL is ignored, per the spec.
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
    pending_fields_ = true;
  } else if (field == "retry") {
    long long ms = 0;
    const auto* first = value.data();
    const auto* last = value.data() + value.size();
    const bool digits = !value.empty() && std::all_of(first, last, [](char ch) {
      return ch >= '0' && ch <= '9';
    });
    if (digits) {
      auto [ptr, ec] = std::from_chars(first, last, ms);
      if (ec == std::errc() && ptr == last) retry_ms_ = ms;
    }
    pending_fields_ = true;
  }
  // Other field names are ignored, per the spec.
  return {};
}

Status SseParser::dispatch() {
  // An event with no data field is not dispatched; its name is reset all the same.
  Status st;
  if (have_data_) {
    ++dispatched_;
    if (handler_) st = handler_(SseEvent{event_, data_, last_id_});
  }
  event_.clear();
  data_.clear();
  have_data_ = false;
  pending_fields_ = false;
  return st;
}

bool SseParser::finish() {
  const bool dropped = pending_fields_ || !line_.empty();
  line_.clear();
  event_.clear();
  data_.clear();
  have_data_ = false;
  pending_fields_ = false;
  after_cr_ = false;
  return dropped;
}

}  // namespace jcode::http
