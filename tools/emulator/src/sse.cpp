#include "sse.hpp"

namespace jemu {

std::string sse_event(std::string_view name, const json& data) {
  std::string out = "event: ";
  out += name;
  out += "\ndata: ";
  out += data.dump();
  out += "\n\n";
  return out;
}

std::string sse_data(const json& data) { return "data: " + data.dump() + "\n\n"; }

std::string sse_done() { return "data: [DONE]\n\n"; }

std::vector<std::string> sse_split_events(const std::string& body) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < body.size()) {
    auto pos = body.find("\n\n", start);
    if (pos == std::string::npos) {
      out.push_back(body.substr(start));
      break;
    }
    out.push_back(body.substr(start, pos + 2 - start));
    start = pos + 2;
  }
  return out;
}

std::vector<SseEvent> sse_parse(const std::string& body) {
  std::vector<SseEvent> out;
  SseEvent cur;
  bool have = false;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto nl = body.find('\n', start);
    std::string line = body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (have) out.push_back(cur);
      cur = SseEvent{};
      have = false;
    } else if (line[0] != ':') {
      auto colon = line.find(':');
      std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "event") {
        cur.event = value;
        have = true;
      } else if (field == "data") {
        if (!cur.data.empty()) cur.data += "\n";
        cur.data += value;
        have = true;
      }
    }
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  if (have) out.push_back(cur);
  return out;
}

}  // namespace jemu
