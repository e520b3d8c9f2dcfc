#include "emulator.hpp"

#include <fstream>
#include <sstream>

#include "modules.hpp"

namespace jemu {

Response oauth_error(int status, const std::string& code, const std::string& description) {
  Response r = Response::json(status, {{"error", code}, {"error_description", description}});
  r.headers.emplace("Cache-Control", "no-store");
  r.headers.emplace("Pragma", "no-cache");
  return r;
}

std::optional<json> parse_json_object(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string content_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (part.is_string()) {
        out += part.get<std::string>();
      } else if (part.is_object()) {
        for (const char* key : {"text", "content", "output"}) {
          if (part.contains(key)) {
            if (!out.empty()) out += "\n";
            out += content_text(part[key]);
            break;
          }
        }
      }
    }
  } else if (content.is_object()) {
    if (content.contains("text")) return content_text(content["text"]);
  }
  return out;
}

Emulator::Emulator(const Config& initial) {
  {
    std::lock_guard lk(state_.mu);
    state_.initial_config = initial;
    state_.reset();
  }
  register_control_api(router_, state_);
  register_oauth(router_, state_);
  register_device_github(router_, state_);
  register_anthropic(router_, state_);
  register_openai(router_, state_);
  register_google(router_, state_);
  register_chat_azure(router_, state_);
}

std::optional<std::string> load_fixture(const std::string& dir, const std::string& rel, std::string* err) {
  if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos) {
    *err = "fixture path must be relative and must not contain '..'";
    return std::nullopt;
  }
  std::ifstream in(dir + "/" + rel, std::ios::binary);
  if (!in) {
    *err = "cannot read fixture " + dir + "/" + rel;
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<Response> Emulator::take_queued(const Request& req) {
  QueuedResponse q;
  std::string fixtures_dir;
  {
    std::lock_guard lk(state_.mu);
    auto it = state_.queues.find(req.path);
    if (it == state_.queues.end() || it->second.empty()) return std::nullopt;
    auto& dq = it->second;
    auto pos = std::find_if(dq.begin(), dq.end(),
                            [&](const QueuedResponse& e) { return e.method.empty() || e.method == req.method; });
    if (pos == dq.end()) return std::nullopt;
    q = *pos;
    dq.erase(pos);
    fixtures_dir = state_.config.fixtures_dir;
  }
  Response r;
  r.status = q.status;
  r.headers = q.headers;
  r.delay_ms = q.delay_ms;
  r.body = q.body;
  if (!q.fixture.empty()) {
    std::string err;
    auto data = load_fixture(fixtures_dir, q.fixture, &err);
    if (!data) return Response::json(500, {{"error", "fixture_error"}, {"message", err}});
    r.content_type = q.content_type.empty() ? "text/event-stream; charset=utf-8" : q.content_type;
    // Byte-for-byte: one chunk per recorded event, concatenation == the file.
    r.streaming = true;
    r.chunks = q.chunk_delay_ms > 0 ? std::vector<std::string>{} : std::vector<std::string>{*data};
    if (q.chunk_delay_ms > 0) {
      std::size_t start = 0;
      while (start < data->size()) {
        auto pos2 = data->find("\n\n", start);
        std::size_t end = pos2 == std::string::npos ? data->size() : pos2 + 2;
        r.chunks.push_back(data->substr(start, end - start));
        start = end;
      }
    }
    r.chunk_delay_ms = q.chunk_delay_ms;
  } else {
    r.content_type = q.content_type.empty() ? "application/json" : q.content_type;
  }
  return r;
}

void Emulator::record(const Request& req, int status) {
  if (starts_with(req.path, "/_emulator/")) return;
  std::lock_guard lk(state_.mu);
  state_.counters[req.method + " " + req.path][status]++;
  if (state_.config.log_capacity == 0) return;
  LogEntry e;
  e.seq = ++state_.log_seq;
  e.time_ms = state_.now_ms();
  e.method = req.method;
  e.path = req.path;
  for (const auto& [k, v] : req.query) {
    if (!e.query.empty()) e.query += "&";
    e.query += url_encode(k) + "=" + url_encode(v);
  }
  e.headers = req.headers;
  if (req.body.size() > state_.config.log_body_limit) {
    e.body = req.body.substr(0, state_.config.log_body_limit);
    e.body_truncated = true;
  } else {
    e.body = req.body;
  }
  e.status = status;
  state_.log.push_back(std::move(e));
  while (state_.log.size() > state_.config.log_capacity) state_.log.pop_front();
}

Response Emulator::handle(Request req) {
  Response res;
  if (auto queued = take_queued(req)) {
    res = std::move(*queued);
  } else {
    bool path_known = false;
    const Handler* h = router_.match(req, &path_known);
    if (!h) {
      res = path_known ? Response::json(405, {{"error", "method_not_allowed"},
                                              {"message", "jcode-emulator: " + req.method + " not allowed on " + req.path}})
                       : Response::json(404, {{"error", "not_found"},
                                              {"message", "jcode-emulator: no route for " + req.method + " " + req.path}});
    } else {
      try {
        res = (*h)(req);
      } catch (const std::exception& ex) {
        res = Response::json(500, {{"error", "emulator_internal_error"}, {"message", ex.what()}});
      }
    }
  }
  record(req, res.status);
  return res;
}

}  // namespace jemu
