#include "stream_decoder.hpp"

#include <jcode/support/json_event.hpp>

#include <simdjson.h>

namespace jcode::claude {
using support::get_int;
using support::get_str;
using support::make_event;
using support::str;

StreamDecoder::StreamDecoder(std::map<std::string, std::string> wire_to_native, Emit emit)
    : wire_to_native_(std::move(wire_to_native)), emit_(std::move(emit)) {}

jcode_status StreamDecoder::emit_text(int32_t type, std::string_view text, int32_t index) {
  if (text.empty()) return JCODE_OK;
  jcode_event e = make_event(type);
  e.text = str(text);
  e.index = index;
  return emit_(e);
}

jcode_status StreamDecoder::feed(std::string_view event, std::string_view data) {
  // A parser per call keeps the decoder reentrant; events are small.
  simdjson::dom::parser parser;
  simdjson::padded_string padded(data);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    error_message_ = "malformed Anthropic stream event '" + std::string(event) + "': data is not a JSON object";
    return JCODE_E_PROTOCOL;
  }
  std::string_view type = get_str(doc, "type");
  if (type.empty()) type = event;

  if (type == "message_start") {
    simdjson::dom::element msg;
    if (doc["message"].get(msg) != simdjson::SUCCESS) {
      error_message_ = "malformed message_start event: no message";
      return JCODE_E_PROTOCOL;
    }
    std::string_view model = get_str(msg, "model");
    if (!model.empty()) {
      jcode_event e = make_event(JCODE_EVENT_MODEL);
      e.text = str(model);
      if (jcode_status st = emit_(e); st != JCODE_OK) return st;
    }
    simdjson::dom::element usage;
    if (msg["usage"].get(usage) == simdjson::SUCCESS) {
      input_tokens_ = get_int(usage, "input_tokens", 0);
      output_tokens_ = get_int(usage, "output_tokens", 0);
      cache_read_ = get_int(usage, "cache_read_input_tokens", 0);
      cache_write_ = get_int(usage, "cache_creation_input_tokens", 0);
    }
    return JCODE_OK;
  }
  if (type == "content_block_start") {
    int32_t index = static_cast<int32_t>(get_int(doc, "index", -1));
    simdjson::dom::element block;
    if (index < 0 || doc["content_block"].get(block) != simdjson::SUCCESS) {
      error_message_ = "malformed content_block_start event";
      return JCODE_E_PROTOCOL;
    }
    Block b;
    b.type = std::string(get_str(block, "type"));
    if (b.type == "tool_use") {
      b.id = std::string(get_str(block, "id"));
      std::string wire(get_str(block, "name"));
      auto it = wire_to_native_.find(wire);
      b.name = it == wire_to_native_.end() ? wire : it->second;
      jcode_event e = make_event(JCODE_EVENT_TOOL_CALL_START);
      e.id = str(b.id);
      e.name = str(b.name);
      e.index = index;
      blocks_[index] = b;
      return emit_(e);
    }
    std::string_view initial = b.type == "text" ? get_str(block, "text") : std::string_view{};
    blocks_[index] = b;
    return emit_text(JCODE_EVENT_TEXT, initial, index);
  }
  if (type == "content_block_delta") {
    int32_t index = static_cast<int32_t>(get_int(doc, "index", -1));
    simdjson::dom::element delta;
    if (index < 0 || doc["delta"].get(delta) != simdjson::SUCCESS) {
      error_message_ = "malformed content_block_delta event";
      return JCODE_E_PROTOCOL;
    }
    std::string_view dtype = get_str(delta, "type");
    if (dtype == "text_delta") return emit_text(JCODE_EVENT_TEXT, get_str(delta, "text"), index);
    if (dtype == "thinking_delta") return emit_text(JCODE_EVENT_THINKING, get_str(delta, "thinking"), index);
    if (dtype == "input_json_delta") {
      auto it = blocks_.find(index);
      std::string_view part = get_str(delta, "partial_json");
      if (it == blocks_.end()) {
        error_message_ = "input_json_delta for a block that never started";
        return JCODE_E_PROTOCOL;
      }
      it->second.json.append(part);
      if (it->second.type != "tool_use" || part.empty()) return JCODE_OK;
      jcode_event e = make_event(JCODE_EVENT_TOOL_CALL_DELTA);
      e.index = index;
      e.id = str(it->second.id);
      e.json = str(part);
      return emit_(e);
    }
    // signature_delta, citations_delta and future delta types carry nothing to show.
    return JCODE_OK;
  }
  if (type == "content_block_stop") {
    int32_t index = static_cast<int32_t>(get_int(doc, "index", -1));
    auto it = blocks_.find(index);
    if (it == blocks_.end()) return JCODE_OK;
    Block b = std::move(it->second);
    blocks_.erase(it);
    if (b.type != "tool_use") return JCODE_OK;
    jcode_event e = make_event(JCODE_EVENT_TOOL_CALL_END);
    if (b.json.empty()) b.json = "{}";
    e.id = str(b.id);
    e.name = str(b.name);
    e.json = str(b.json);
    e.index = index;
    return emit_(e);
  }
  if (type == "message_delta") {
    simdjson::dom::element usage;
    if (doc["usage"].get(usage) == simdjson::SUCCESS) {
      output_tokens_ = get_int(usage, "output_tokens", output_tokens_);
      input_tokens_ = get_int(usage, "input_tokens", input_tokens_);
      cache_read_ = get_int(usage, "cache_read_input_tokens", cache_read_);
      cache_write_ = get_int(usage, "cache_creation_input_tokens", cache_write_);
    }
    simdjson::dom::element delta;
    if (doc["delta"].get(delta) == simdjson::SUCCESS) {
      std::string_view reason = get_str(delta, "stop_reason");
      if (!reason.empty()) stop_reason_ = std::string(reason);
    }
    return JCODE_OK;
  }
  if (type == "message_stop") {
    finished_ = true;
    jcode_event u = make_event(JCODE_EVENT_USAGE);
    u.input_tokens = input_tokens_;
    u.output_tokens = output_tokens_;
    u.cache_read_tokens = cache_read_;
    u.cache_write_tokens = cache_write_;
    if (jcode_status st = emit_(u); st != JCODE_OK) return st;
    jcode_event s = make_event(JCODE_EVENT_STOP);
    s.text = str(stop_reason_.empty() ? std::string_view("end_turn") : std::string_view(stop_reason_));
    return emit_(s);
  }
  if (type == "error") {
    saw_error_ = true;
    simdjson::dom::element err;
    std::string_view etype, message;
    if (doc["error"].get(err) == simdjson::SUCCESS) {
      etype = get_str(err, "type");
      message = get_str(err, "message");
    }
    error_type_ = std::string(etype);
    error_message_ = std::string(message.empty() ? "the stream reported an error" : message);
    jcode_event e = make_event(JCODE_EVENT_ERROR);
    e.name = str(etype);
    e.text = str(error_message_);
    return emit_(e);
  }
  // ping and unknown event types are ignored (the API may add new ones).
  return JCODE_OK;
}

}  // namespace jcode::claude
