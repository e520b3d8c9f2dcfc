// Test helpers: replay a recorded SSE file into a decoder (blank-line dispatch, "event:" and
// "data:" fields, CRLF tolerated) and collect the jcode events it emits.
#pragma once

#include <jcode/plugin.h>

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

namespace support_test {

inline const std::string kFixtures = std::string(JCODE_SHARED_DIR) + "/fixtures/real-streams/derived-sse/";

struct Captured {
  std::string text, thinking, model, stop;
  std::vector<std::string> starts, tool_names, tool_ids, tool_inputs, deltas_joined, errors, error_names;
  std::vector<int> order;  // event types in order
  int64_t input_tokens = -1, output_tokens = -1, cached = -1;
  int usage_events = 0, stop_events = 0;

  jcode_status on(const jcode_event& e) {
    std::string t(e.text.ptr ? e.text.ptr : "", e.text.len);
    order.push_back(e.type);
    switch (e.type) {
      case JCODE_EVENT_TEXT: text += t; break;
      case JCODE_EVENT_THINKING: thinking += t; break;
      case JCODE_EVENT_MODEL: model = t; break;
      case JCODE_EVENT_STOP: stop = t; ++stop_events; break;
      case JCODE_EVENT_ERROR:
        errors.push_back(t);
        error_names.emplace_back(e.name.ptr ? e.name.ptr : "", e.name.len);
        break;
      case JCODE_EVENT_USAGE:
        input_tokens = e.input_tokens;
        output_tokens = e.output_tokens;
        cached = e.cache_read_tokens;
        ++usage_events;
        break;
      case JCODE_EVENT_TOOL_CALL_START:
        starts.emplace_back(e.id.ptr, e.id.len);
        deltas_joined.emplace_back();
        break;
      case JCODE_EVENT_TOOL_CALL_DELTA:
        if (!deltas_joined.empty()) deltas_joined.back().append(e.json.ptr, e.json.len);
        break;
      case JCODE_EVENT_TOOL_CALL_END:
        tool_names.emplace_back(e.name.ptr, e.name.len);
        tool_ids.emplace_back(e.id.ptr, e.id.len);
        tool_inputs.emplace_back(e.json.ptr, e.json.len);
        break;
      default: break;
    }
    return JCODE_OK;
  }
};

template <class Decoder>
void replay(const std::string& path, Decoder& dec) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  std::string line, event, data;
  bool have_data = false;
  auto dispatch = [&] {
    if (have_data) REQUIRE_MESSAGE(dec.feed(event, data) == JCODE_OK, dec.error_message());
    event.clear();
    data.clear();
    have_data = false;
  };
  int guard = 0;
  while (std::getline(in, line) && ++guard < 1000000) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      dispatch();
    } else if (line.rfind("event:", 0) == 0) {
      event = line.substr(line.size() > 6 && line[6] == ' ' ? 7 : 6);
    } else if (line.rfind("data:", 0) == 0) {
      if (have_data) data += '\n';
      data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
      have_data = true;
    }
  }
  dispatch();
}

}  // namespace support_test
