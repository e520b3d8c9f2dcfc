// A scripted jcode_host_api for plugin tests of code that calls host services (a transport's
// send, a CLI transport, a custom login): config/env/endpoints/store/prompt answers from maps,
// http and spawn answered from canned data, and every request, log line and error recorded.
// Test-only (target jcode_plugin_testing); every plugin folder's tests may use it.
#pragma once

#include <jcode/plugin.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace jcode::testing {

struct FakeHost {
  std::map<std::string, std::string> config, env;
  std::string provider_id;  // what host.provider_id() answers (ABI 1.3); empty = NOT_FOUND
  std::map<std::string, std::string> endpoints = {{"api", "https://api.test"}};

  // http: the answer to give
  int32_t http_status = 200;
  std::vector<std::pair<std::string, std::string>> sse;  // 2xx: (event, data)
  std::string body;                                      // non-2xx
  // http: what was asked
  std::string method, url, request_body;
  std::vector<std::pair<std::string, std::string>> headers;
  uint32_t http_flags = 0;
  int http_calls = 0;

  // spawn: the answer (spawn_status != OK: as if the host failed, e.g. NOT_FOUND)
  jcode_status spawn_status = JCODE_OK;
  std::string child_stdout, child_stderr;
  int32_t child_exit = 0;
  size_t chunk = 7;  // stdout is delivered in pieces of this size
  // spawn: what was asked
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> spawn_env;  // the environment entries given
  uint32_t spawn_timeout_ms = 0;
  uint32_t spawn_flags = 0;  // JCODE_PROCESS_F_*
  std::string stdin_data;
  int spawn_calls = 0;

  // store_read/store_write: the plugin's own sources, by source id
  std::map<std::string, std::string> store;
  jcode_status store_status = JCODE_OK;  // != OK: store_read and store_write fail so
  // resolve_url (ABI 1.1): URLs asked for, as "<setting>=<url>"; the answer is the URL itself
  // unless `refuse_urls` (then JCODE_E_INVALID_ARG with a message naming the setting)
  std::vector<std::string> resolved;
  bool refuse_urls = false;
  // read_file (ABI 1.1): file contents by path; absent → JCODE_E_NOT_FOUND
  std::map<std::string, std::string> files;
  // prompt: answers in order; none left → JCODE_E_NONINTERACTIVE
  std::vector<std::string> answers;
  std::vector<std::string> questions;

  std::vector<std::pair<int32_t, std::string>> logs;
  std::vector<std::string> notices;
  jcode_status error_code = JCODE_OK;
  std::string error_message;
  std::vector<std::string> secrets;

  jcode_host_api table{};

  FakeHost() {
    table.struct_size = sizeof table;
    table.abi_minor = JCODE_ABI_MINOR;
    table.log = [](jcode_host_ctx* c, int32_t level, jcode_str m) { self(c).logs.emplace_back(level, s(m)); };
    table.set_error = [](jcode_host_ctx* c, jcode_status code, jcode_str m) {
      self(c).error_code = code;
      self(c).error_message = s(m);
    };
    table.add_secret = [](jcode_host_ctx* c, jcode_str v) { self(c).secrets.push_back(s(v)); };
    table.notify = [](jcode_host_ctx* c, jcode_str m) { self(c).notices.push_back(s(m)); };
    table.store_read = [](jcode_host_ctx* c, jcode_str id, jcode_sink* out) {
      if (self(c).store_status != JCODE_OK) return self(c).store_status;
      return lookup(self(c).store, id, out);
    };
    table.store_write = [](jcode_host_ctx* c, jcode_str id, jcode_str content) {
      if (self(c).store_status != JCODE_OK) return self(c).store_status;
      self(c).store[s(id)] = s(content);
      return JCODE_OK;
    };
    table.resolve_url = [](jcode_host_ctx* c, jcode_str url, jcode_str setting, jcode_sink* out) {
      FakeHost& h = self(c);
      h.resolved.push_back(s(setting) + "=" + s(url));
      if (h.refuse_urls) {
        h.error_code = JCODE_E_INVALID_ARG;
        h.error_message = s(setting) + ": refused";
        return JCODE_E_INVALID_ARG;
      }
      return jcode::plugin::write(out, s(url));
    };
    table.read_file = [](jcode_host_ctx* c, jcode_str path, uint64_t, jcode_sink* out) {
      return lookup(self(c).files, path, out);
    };
    table.prompt = [](jcode_host_ctx* c, const jcode_prompt* p, jcode_sink* answer) {
      FakeHost& h = self(c);
      h.questions.push_back(s(p->question));
      if (h.answers.empty()) return JCODE_E_NONINTERACTIVE;
      std::string a = h.answers.front();
      h.answers.erase(h.answers.begin());
      return jcode::plugin::write(answer, a);
    };
    table.config_get = [](jcode_host_ctx* c, jcode_str k, jcode_sink* out) { return lookup(self(c).config, k, out); };
    table.provider_id = [](jcode_host_ctx* c, jcode_sink* out) {
      if (self(c).provider_id.empty()) return JCODE_E_NOT_FOUND;
      return jcode::plugin::write(out, self(c).provider_id);
    };
    table.env_get = [](jcode_host_ctx* c, jcode_str k, jcode_sink* out) { return lookup(self(c).env, k, out); };
    table.endpoint_url = [](jcode_host_ctx* c, jcode_str k, jcode_sink* out) {
      return lookup(self(c).endpoints, k, out);
    };
    table.http = [](jcode_host_ctx* c, const jcode_http_request* r, const jcode_http_response_sink* sink) {
      FakeHost& h = self(c);
      ++h.http_calls;
      h.method = s(r->method);
      h.url = s(r->url);
      h.request_body = s(r->body);
      h.http_flags = r->flags;
      h.headers.clear();
      for (size_t i = 0; i < r->header_count; ++i) h.headers.emplace_back(s(r->headers[i].key), s(r->headers[i].value));
      if (jcode_status st = sink->on_status(sink->self, h.http_status, nullptr, 0); st != JCODE_OK) return st;
      if (h.http_status >= 200 && h.http_status < 300 && (r->flags & JCODE_HTTP_F_SSE)) {
        for (const auto& [ev, data] : h.sse)
          if (jcode_status st = sink->on_event(sink->self, jcode::plugin::str(ev), jcode::plugin::str(data)); st != JCODE_OK)
            return st;
        return JCODE_OK;
      }
      return h.body.empty() ? JCODE_OK : sink->on_body(sink->self, h.body.data(), h.body.size());
    };
    table.spawn = [](jcode_host_ctx* c, const jcode_process_spec* spec, const jcode_process_sink* sink,
                     int32_t* exit_code) {
      FakeHost& h = self(c);
      ++h.spawn_calls;
      h.argv.clear();
      for (size_t i = 0; i < spec->argc; ++i) h.argv.push_back(s(spec->argv[i]));
      h.stdin_data = s(spec->stdin_data);
      h.spawn_env.clear();
      for (size_t i = 0; i < spec->env_count; ++i) h.spawn_env.emplace_back(s(spec->env[i].key), s(spec->env[i].value));
      h.spawn_timeout_ms = spec->timeout_ms;
      h.spawn_flags = spec->flags;
      if (h.spawn_status != JCODE_OK) return h.spawn_status;
      for (size_t i = 0; i < h.child_stdout.size(); i += h.chunk) {
        std::string_view piece = std::string_view(h.child_stdout).substr(i, h.chunk);
        if (jcode_status st = sink->on_stdout(sink->self, piece.data(), piece.size()); st != JCODE_OK) return st;
      }
      if (!h.child_stderr.empty())
        if (jcode_status st = sink->on_stderr(sink->self, h.child_stderr.data(), h.child_stderr.size()); st != JCODE_OK)
          return st;
      *exit_code = h.child_exit;
      return JCODE_OK;
    };
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  jcode::plugin::Host host() { return jcode::plugin::Host(&table, reinterpret_cast<jcode_host_ctx*>(this)); }

  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return "<absent>";
  }

 private:
  static FakeHost& self(jcode_host_ctx* c) { return *reinterpret_cast<FakeHost*>(c); }
  static std::string s(jcode_str v) { return std::string(jcode::plugin::view(v)); }
  static jcode_status lookup(const std::map<std::string, std::string>& m, jcode_str k, jcode_sink* out) {
    auto it = m.find(s(k));
    if (it == m.end()) return JCODE_E_NOT_FOUND;
    return jcode::plugin::write(out, it->second);
  }
};

// Collects the events a transport emits.
struct Events {
  std::string text, thinking, model, stop;
  std::vector<int32_t> types;
  int64_t input_tokens = -1, output_tokens = -1, cache_read = -1, cache_write = -1;
  jcode_status answer = JCODE_OK;  // what emit returns (e.g. CANCELLED to stop the plugin)

  jcode_event_sink sink() {
    jcode_event_sink s{};
    s.struct_size = sizeof s;
    s.self = this;
    s.emit = [](void* self, const jcode_event* e) { return static_cast<Events*>(self)->on(*e); };
    return s;
  }
  jcode_status on(const jcode_event& e) {
    types.push_back(e.type);
    std::string t(jcode::plugin::view(e.text));
    switch (e.type) {
      case JCODE_EVENT_TEXT: text += t; break;
      case JCODE_EVENT_THINKING: thinking += t; break;
      case JCODE_EVENT_MODEL: model += t; break;
      case JCODE_EVENT_STOP: stop += t; break;
      case JCODE_EVENT_USAGE:
        input_tokens = e.input_tokens;
        output_tokens = e.output_tokens;
        cache_read = e.cache_read_tokens;
        cache_write = e.cache_write_tokens;
        break;
      default: break;
    }
    return answer;
  }
  int count(int32_t type) const {
    int n = 0;
    for (int32_t t : types) n += t == type;
    return n;
  }
};

// The request borrows both strings: pass literals or strings that outlive it.
inline jcode_chat_request chat(std::string_view conversation, std::string_view model = {}) {
  jcode_chat_request r{};
  r.struct_size = sizeof r;
  r.model = jcode::plugin::str(model);
  r.conversation = jcode::plugin::str(conversation);
  return r;
}

}  // namespace jcode::testing
