/*
 * jcode/plugin.hpp — optional, header-only C++20 helpers for writing a jcode provider plugin.
 *
 * Everything here is compiled INTO the plugin: no C++ type, exception or allocation crosses
 * the boundary, which stays the C ABI of jcode/plugin.h. It offers
 *  - jcode::plugin::Host: the host table + this plugin's context, with a C++ method for every
 *    host service (log, errors, secrets, config/env/endpoints, HTTP, prompts, browser,
 *    store, pending state, the OAuth engine, subprocesses), so plugins need no raw upcalls;
 *  - sink helpers: write(sink, text) and StringSink (a plugin-owned sink for host output);
 *  - HTTP helpers: kv_list(pairs), http_request(method, url, headers, body, flags), and the
 *    response sinks BufferedResponse (status + capped body) and StreamedResponse (SSE events
 *    to a callback, an error body buffered);
 *  - guard(): the exception-catching trampoline (any exception → set_error + status);
 *  - create/destroy and per-role trampolines for a class T, and tables built from them:
 *      credential_api<T>(), transport_api<T>(default_model, flags), login_api<T>(...);
 *  - declarative tables: endpoint(), source({...}), option(), plugin_api<T>({...});
 *  - JCODE_DEFINE_PLUGIN(api, minor): emits jcode_plugin_entry with correct negotiation.
 *
 * Minimal use:
 *   struct Echo : jcode::plugin::Instance {
 *     using Instance::Instance;
 *     jcode_status send(const jcode_chat_request& req, const jcode_credential* cred,
 *                       const jcode_event_sink& events);
 *   };
 *   static const jcode_transport_api transport = jcode::plugin::transport_api<Echo>("echo-1");
 *   static const jcode_plugin_api api = jcode::plugin::plugin_api<Echo>(
 *       "echo", "Echo", "1.0.0", JCODE_ROLE_TRANSPORT, nullptr, &transport);
 *   JCODE_DEFINE_PLUGIN(api, JCODE_ABI_MINOR)
 */
#ifndef JCODE_PLUGIN_HPP
#define JCODE_PLUGIN_HPP

#include <jcode/plugin.h>

#include <cstring>
#include <exception>
#include <functional>
#include <iterator>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::plugin {

inline jcode_str str(std::string_view s) noexcept { return jcode_str{s.data(), s.size()}; }
inline std::string_view view(jcode_str s) noexcept {
  return (s.ptr && s.len) ? std::string_view(s.ptr, s.len) : std::string_view();
}

/* Appends data to a host-provided sink; returns the sink's status (stop on error). */
inline jcode_status write(jcode_sink* sink, std::string_view data) noexcept {
  if (!sink || !JCODE_HAS_FIELD(sink, jcode_sink, write) || !sink->write) return JCODE_E_INVALID_ARG;
  return sink->write(sink->self, data.data(), data.size());
}

/* A plugin-owned sink for host services that write output (env_get, endpoint_url, http
 * bodies...). secret: the bytes are wiped when the sink is destroyed. */
class StringSink {
 public:
  explicit StringSink(bool secret = false) noexcept : secret_(secret) {
    sink_.struct_size = sizeof(jcode_sink);
    sink_.flags = secret ? JCODE_SINK_SECRET : 0u;
    sink_.self = this;
    sink_.write = &StringSink::on_write;
  }
  ~StringSink() {
    if (secret_ && !data_.empty()) {
      volatile char* p = data_.data();
      for (size_t i = 0; i < data_.size(); ++i) p[i] = 0;
    }
  }
  StringSink(const StringSink&) = delete;
  StringSink& operator=(const StringSink&) = delete;

  jcode_sink* get() noexcept { return &sink_; }
  const std::string& str() const noexcept { return data_; }
  std::string take() { return std::move(data_); }

 private:
  static jcode_status JCODE_CALL on_write(void* self, const char* data, size_t len) noexcept {
    try {
      static_cast<StringSink*>(self)->data_.append(data, len);
      return JCODE_OK;
    } catch (...) {
      return JCODE_E_NOMEM;
    }
  }
  jcode_sink sink_{};
  std::string data_;
  bool secret_;
};

/* ---- HTTP helpers (host->http) ---- */

/* Header entries borrowing from `pairs` (any range of pairs of strings): keep `pairs` alive
 * while the entries are used. */
template <class Pairs>
std::vector<jcode_kv> kv_list(const Pairs& pairs) {
  std::vector<jcode_kv> out;
  out.reserve(std::size(pairs));
  for (const auto& [k, v] : pairs) out.push_back({str(k), str(v)});
  return out;
}

/* A request borrowing every string and the header entries (timeout_ms: 0 = host default). */
inline jcode_http_request http_request(std::string_view method, std::string_view url,
                                       const std::vector<jcode_kv>& headers, std::string_view body = {},
                                       uint32_t flags = 0, uint32_t timeout_ms = 0) noexcept {
  jcode_http_request r{};
  r.struct_size = sizeof r;
  r.method = str(method);
  r.url = str(url);
  r.headers = headers.data();
  r.header_count = headers.size();
  r.body = str(body);
  r.flags = flags;
  r.timeout_ms = timeout_ms;
  return r;
}

/* Appends to `buf` unless that would exceed `cap` (then JCODE_E_PROTOCOL, which aborts the
 * transfer); JCODE_E_NOMEM when allocation fails. */
inline jcode_status append_capped(std::string& buf, const char* data, size_t len, size_t cap) noexcept {
  try {
    if (buf.size() + len > cap) return JCODE_E_PROTOCOL;
    buf.append(data, len);
    return JCODE_OK;
  } catch (...) {
    return JCODE_E_NOMEM;
  }
}

/* A buffered HTTP response: the final status and the body, capped at max_body bytes (a
 * longer body aborts the transfer with JCODE_E_PROTOCOL). Pass sink() to Host::http. */
class BufferedResponse {
 public:
  static constexpr size_t kDefaultMaxBody = size_t{1} << 20;

  explicit BufferedResponse(size_t max_body = kDefaultMaxBody) noexcept : max_body_(max_body) {
    sink_.struct_size = sizeof(jcode_http_response_sink);
    sink_.self = this;
    sink_.on_status = &BufferedResponse::on_status;
    sink_.on_body = &BufferedResponse::on_body;
  }
  BufferedResponse(const BufferedResponse&) = delete;
  BufferedResponse& operator=(const BufferedResponse&) = delete;

  const jcode_http_response_sink& sink() const noexcept { return sink_; }
  int32_t status() const noexcept { return status_; }
  bool ok() const noexcept { return status_ >= 200 && status_ < 300; }
  const std::string& body() const noexcept { return body_; }
  std::string take_body() { return std::move(body_); }

 protected:
  jcode_http_response_sink sink_{};

 private:
  static jcode_status JCODE_CALL on_status(void* self, int32_t status, const jcode_kv*, size_t) noexcept {
    static_cast<BufferedResponse*>(self)->status_ = status;
    return JCODE_OK;
  }
  static jcode_status JCODE_CALL on_body(void* self, const char* data, size_t len) noexcept {
    auto* r = static_cast<BufferedResponse*>(self);
    return append_capped(r->body_, data, len, r->max_body_);
  }
  int32_t status_ = 0;
  std::string body_;
  size_t max_body_;
};

/* A streamed (JCODE_HTTP_F_SSE) response: each event of a 2xx answer goes to on_event(event
 * name, data, error); any other answer's body is buffered as in BufferedResponse. A callback
 * status other than JCODE_OK aborts the transfer; the callback may explain it in `error`,
 * kept as event_error(). An exception from the callback becomes JCODE_E_INTERNAL. */
class StreamedResponse : public BufferedResponse {
 public:
  using OnEvent = std::function<jcode_status(std::string_view event, std::string_view data, std::string& error)>;

  explicit StreamedResponse(OnEvent on_event, size_t max_body = kDefaultMaxBody)
      : BufferedResponse(max_body), on_event_(std::move(on_event)) {
    sink_.on_event = &StreamedResponse::on_event;
  }

  /* The callback for a stream decoder: any D with `jcode_status feed(string_view event,
   * string_view data)` and `error_message()`; a JCODE_E_PROTOCOL from feed keeps that message. */
  template <class D>
  static OnEvent feeding(D& decoder) {
    return [&decoder](std::string_view event, std::string_view data, std::string& error) {
      jcode_status st = decoder.feed(event, data);
      if (st == JCODE_E_PROTOCOL) error = decoder.error_message();
      return st;
    };
  }

  const std::string& event_error() const noexcept { return event_error_; }

 private:
  static jcode_status JCODE_CALL on_event(void* self, jcode_str event, jcode_str data) noexcept {
    auto* r = static_cast<StreamedResponse*>(self);
    try {
      return r->on_event_ ? r->on_event_(view(event), view(data), r->event_error_) : JCODE_OK;
    } catch (...) {
      return JCODE_E_INTERNAL;
    }
  }
  OnEvent on_event_;
  std::string event_error_;
};

namespace detail {
/* The host table from the entry point: the same for every context of one host. */
inline const jcode_host_api*& host_table() noexcept {
  static const jcode_host_api* table = nullptr;
  return table;
}
}  // namespace detail

/* True when the host table given to this plugin has the member `f` (added in some minor). */
#define JCODE_HOST_HAS(host, f) JCODE_HAS_FIELD((host).api(), jcode_host_api, f)

/* The host services for one plugin context. Cheap to copy. Methods never throw, except
 * where they return std::string/optional (std::bad_alloc), which guard() catches. */
class Host {
 public:
  Host() = default;
  Host(const jcode_host_api* api, jcode_host_ctx* ctx) noexcept : api_(api), ctx_(ctx) {}

  const jcode_host_api* api() const noexcept { return api_; }
  jcode_host_ctx* ctx() const noexcept { return ctx_; }
  explicit operator bool() const noexcept { return api_ && ctx_; }

  void log(int32_t level, std::string_view message) const noexcept {
    if (*this && api_->log) api_->log(ctx_, level, str(message));
  }
  /* Sets the detail message for the status being returned; returns code for `return`. */
  jcode_status error(jcode_status code, std::string_view message) const noexcept {
    if (*this && api_->set_error) api_->set_error(ctx_, code, str(message));
    return code;
  }
  void add_secret(std::string_view secret) const noexcept {
    if (*this && api_->add_secret && !secret.empty()) api_->add_secret(ctx_, str(secret));
  }
  void notify(std::string_view message) const noexcept {
    if (*this && api_->notify) api_->notify(ctx_, str(message));
  }
  /* nullopt when absent (JCODE_E_NOT_FOUND) or on any other failure. */
  std::optional<std::string> config(std::string_view key) const { return fetch(api_ ? api_->config_get : nullptr, key); }
  std::optional<std::string> env(std::string_view name) const { return fetch(api_ ? api_->env_get : nullptr, name); }
  std::optional<std::string> endpoint_url(std::string_view name) const {
    return fetch(api_ ? api_->endpoint_url : nullptr, name);
  }
  int64_t now_ms() const noexcept { return (*this && api_->now_ms) ? api_->now_ms(ctx_) : 0; }
  bool cancelled() const noexcept {
    return *this && JCODE_HAS_FIELD(api_, jcode_host_api, is_cancelled) && api_->is_cancelled &&
           api_->is_cancelled(ctx_) != 0;
  }
  jcode_status http(const jcode_http_request& req, const jcode_http_response_sink& sink) const noexcept {
    if (!*this || !api_->http) return JCODE_E_NOT_SUPPORTED;
    return api_->http(ctx_, &req, &sink);
  }
  jcode_status random_bytes(void* buf, size_t len) const noexcept {
    if (!*this || !api_->random_bytes) return JCODE_E_NOT_SUPPORTED;
    return api_->random_bytes(ctx_, buf, len);
  }

  /* ---- ABI 1.1: run-time URLs and user-named files (JCODE_E_NOT_SUPPORTED on a 1.0 host) ---- */
  /* The URL to contact for one built from the user's data (see jcode_host_api.resolve_url);
   * nullopt when refused, with the host's message recorded for the current call. */
  std::optional<std::string> resolve_url(std::string_view url, std::string_view setting) const {
    if (!*this || !JCODE_HAS_FIELD(api_, jcode_host_api, resolve_url) || !api_->resolve_url) {
      error(JCODE_E_NOT_SUPPORTED, "this jcode is too old for the plugin (it needs host ABI 1.1: resolve_url)");
      return std::nullopt;
    }
    StringSink out;
    if (api_->resolve_url(ctx_, str(url), str(setting), out.get()) != JCODE_OK) return std::nullopt;
    return out.take();
  }
  /* A file the user's environment names; JCODE_E_NOT_FOUND when absent. */
  jcode_status read_file(std::string_view path, std::string& content, uint64_t max_bytes = 0) const {
    if (!*this || !JCODE_HAS_FIELD(api_, jcode_host_api, read_file) || !api_->read_file)
      return JCODE_E_NOT_SUPPORTED;
    StringSink out(true);
    jcode_status st = api_->read_file(ctx_, str(path), max_bytes, out.get());
    if (st == JCODE_OK) content = out.str();
    return st;
  }

  /* ---- ABI 1.3: one library, several providers ---- */
  /* The id of the provider this context serves (jcode_host_api.provider_id); nullopt on a
   * host older than 1.3, which serves the plugin's own id only. */
  std::optional<std::string> provider_id() const {
    if (!*this || !JCODE_HAS_FIELD(api_, jcode_host_api, provider_id) || !api_->provider_id) return std::nullopt;
    StringSink out;
    if (api_->provider_id(ctx_, out.get()) != JCODE_OK) return std::nullopt;
    return out.take();
  }

  /* ---- the user ---- */
  /* Asks the user (JCODE_PROMPT_*); the answer replaces `answer`. JCODE_E_NONINTERACTIVE
   * without a terminal, JCODE_E_CANCELLED on Ctrl-C/EOF; the host set the message. A SECRET
   * answer is wiped from the host's buffer; the caller keeps its copy short-lived. */
  jcode_status prompt(int32_t kind, std::string_view question, std::string& answer,
                      std::string_view default_value = {}, std::string_view choices = {}) const {
    if (!*this || !api_->prompt) return JCODE_E_NOT_SUPPORTED;
    jcode_prompt p{};
    p.struct_size = sizeof p;
    p.kind = kind;
    p.question = str(question);
    p.default_value = str(default_value);
    p.choices = str(choices);
    StringSink out(kind == JCODE_PROMPT_SECRET);
    jcode_status st = api_->prompt(ctx_, &p, out.get());
    if (st == JCODE_OK) answer = out.str();
    return st;
  }
  /* JCODE_E_NOT_SUPPORTED when no browser may be opened: the host printed the URL instead. */
  jcode_status open_url(std::string_view url) const noexcept {
    if (!*this || !api_->open_url) return JCODE_E_NOT_SUPPORTED;
    return api_->open_url(ctx_, str(url));
  }

  /* ---- credential store and pending login state ---- */
  /* The content of one of the plugin's own JCODE_FILE / APP_ENV_FILE sources, by source id.
   * JCODE_E_NOT_FOUND when it does not exist yet; other failures carry the host's message. */
  jcode_status store_read(std::string_view source_id, std::string& content) const {
    if (!*this || !api_->store_read) return JCODE_E_NOT_SUPPORTED;
    StringSink out(true);
    jcode_status st = api_->store_read(ctx_, str(source_id), out.get());
    if (st == JCODE_OK) content = out.str();
    return st;
  }
  /* Replaces that source's content (atomic, mode 0600). */
  jcode_status store_write(std::string_view source_id, std::string_view content) const noexcept {
    if (!*this || !api_->store_write) return JCODE_E_NOT_SUPPORTED;
    return api_->store_write(ctx_, str(source_id), str(content));
  }
  jcode_status state_put(std::string_view key, std::string_view value, int64_t ttl_ms) const noexcept {
    if (!*this || !api_->state_put) return JCODE_E_NOT_SUPPORTED;
    return api_->state_put(ctx_, str(key), str(value), ttl_ms);
  }
  /* JCODE_E_NOT_FOUND when absent or expired. */
  jcode_status state_get(std::string_view key, std::string& value) const {
    if (!*this || !api_->state_get) return JCODE_E_NOT_SUPPORTED;
    StringSink out(true);
    jcode_status st = api_->state_get(ctx_, str(key), out.get());
    if (st == JCODE_OK) value = out.str();
    return st;
  }
  jcode_status state_erase(std::string_view key) const noexcept {
    if (!*this || !api_->state_erase) return JCODE_E_NOT_SUPPORTED;
    return api_->state_erase(ctx_, str(key));
  }

  /* ---- the OAuth engine: the token endpoint's JSON response replaces token_json ---- */
  jcode_status oauth_authorize(const jcode_oauth_client& client, const jcode_login_request& req,
                               std::string& token_json) const {
    if (!*this || !api_->oauth_authorize) return JCODE_E_NOT_SUPPORTED;
    StringSink out(true);
    jcode_status st = api_->oauth_authorize(ctx_, &client, &req, out.get());
    if (st == JCODE_OK) token_json = out.str();
    return st;
  }
  jcode_status device_authorize(const jcode_device_client& client, const jcode_login_request& req,
                                std::string& token_json) const {
    if (!*this || !api_->device_authorize) return JCODE_E_NOT_SUPPORTED;
    StringSink out(true);
    jcode_status st = api_->device_authorize(ctx_, &client, &req, out.get());
    if (st == JCODE_OK) token_json = out.str();
    return st;
  }

  /* ---- subprocesses ---- */
  /* Runs spec.argv (argv[0] searched in PATH) to completion. Stdout goes to on_stdout, chunk
   * by chunk, when given (a non-OK return stops the child), else it is collected in out
   * (at most max_stdout bytes; more stops the child with JCODE_E_PROTOCOL). Only the last
   * stderr_tail bytes of stderr are kept. Secrets belong in env or stdin_data, never argv. */
  struct Process {
    std::vector<std::string> argv;
    std::vector<std::pair<std::string, std::string>> env;
    std::string stdin_data;
    uint32_t timeout_ms = 0; /* 0 = none; the host kills the child on expiry (JCODE_E_TIMEOUT) */
    uint32_t flags = 0;      /* JCODE_PROCESS_F_* (1.3); TERMINAL on an older host is
                                JCODE_E_NOT_SUPPORTED, never a child without a terminal */
    std::function<jcode_status(std::string_view chunk)> on_stdout;
    size_t max_stdout = size_t{1} << 20;
    size_t stderr_tail = 4096;
  };
  struct ProcessResult {
    /* The host's status (JCODE_E_NOT_FOUND: no such program, JCODE_E_TIMEOUT, …) or the
     * status on_stdout stopped the child with. JCODE_OK: it ran; see exit_code. */
    jcode_status status = JCODE_OK;
    bool stopped = false; /* on_stdout (or the stdout cap) stopped the child */
    int32_t exit_code = -1;
    std::string out;      /* stdout, when no on_stdout was given */
    std::string err_tail; /* the end of stderr */
  };
  ProcessResult spawn(const Process& p) const {
    ProcessResult r;
    if (!*this || !api_->spawn || ((p.flags & JCODE_PROCESS_F_TERMINAL) && api_->abi_minor < 3)) {
      r.status = JCODE_E_NOT_SUPPORTED;
      return r;
    }
    std::vector<jcode_str> argv;
    argv.reserve(p.argv.size());
    for (const auto& a : p.argv) argv.push_back(str(a));
    std::vector<jcode_kv> env;
    env.reserve(p.env.size());
    for (const auto& [k, v] : p.env) env.push_back({str(k), str(v)});
    jcode_process_spec spec{};
    spec.struct_size = sizeof spec;
    spec.argv = argv.data();
    spec.argc = argv.size();
    spec.env = env.empty() ? nullptr : env.data();
    spec.env_count = env.size();
    spec.stdin_data = str(p.stdin_data);
    spec.timeout_ms = p.timeout_ms;
    spec.flags = p.flags;
    struct Run {
      const Process& p;
      ProcessResult& r;
      jcode_status why = JCODE_OK;
    } run{p, r};
    jcode_process_sink sink{};
    sink.struct_size = sizeof sink;
    sink.self = &run;
    sink.on_stdout = [](void* self, const char* d, size_t n) noexcept -> jcode_status {
      auto* x = static_cast<Run*>(self);
      try {
        jcode_status st = x->p.on_stdout ? x->p.on_stdout(std::string_view(d, n))
                                         : append_capped(x->r.out, d, n, x->p.max_stdout);
        if (st != JCODE_OK) x->why = st;
        return st;
      } catch (...) {
        return x->why = JCODE_E_NOMEM;
      }
    };
    sink.on_stderr = [](void* self, const char* d, size_t n) noexcept -> jcode_status {
      auto* x = static_cast<Run*>(self);
      try {
        std::string& t = x->r.err_tail;
        t.append(d, n);
        if (t.size() > 2 * x->p.stderr_tail) t.erase(0, t.size() - x->p.stderr_tail);
        return JCODE_OK;
      } catch (...) {
        return JCODE_E_NOMEM;
      }
    };
    int32_t code = -1;
    jcode_status st = api_->spawn(ctx_, &spec, &sink, &code);
    if (r.err_tail.size() > p.stderr_tail) r.err_tail.erase(0, r.err_tail.size() - p.stderr_tail);
    r.stopped = run.why != JCODE_OK;
    r.status = r.stopped ? run.why : st;
    r.exit_code = code;
    return r;
  }

 private:
  using Getter = jcode_status(JCODE_CALL*)(jcode_host_ctx*, jcode_str, jcode_sink*);
  std::optional<std::string> fetch(Getter fn, std::string_view key) const {
    if (!*this || !fn) return std::nullopt;
    StringSink out;
    if (fn(ctx_, str(key), out.get()) != JCODE_OK) return std::nullopt;
    return out.take();
  }
  const jcode_host_api* api_ = nullptr;
  jcode_host_ctx* ctx_ = nullptr;
};

/* The exception-catching trampoline: every function the host calls runs its body through
 * this, so no exception unwinds into the host. */
template <class F>
jcode_status guard(const Host& host, F&& body) noexcept {
  try {
    return std::forward<F>(body)();
  } catch (const std::bad_alloc&) {
    return host.error(JCODE_E_NOMEM, "out of memory");
  } catch (const std::exception& e) {
    return host.error(JCODE_E_INTERNAL, e.what());
  } catch (...) {
    return host.error(JCODE_E_INTERNAL, "unknown C++ exception");
  }
}

/* A credential to hand to the host; strings are owned here and borrowed by put(). */
struct Credential {
  int32_t kind = JCODE_CRED_OAUTH;
  std::string access_token, refresh_token, id_token, account_id, email, extra;
  int64_t expires_at_ms = 0;

  jcode_status put(const jcode_credential_sink* out) const noexcept {
    if (!out || !JCODE_HAS_FIELD(out, jcode_credential_sink, put) || !out->put) return JCODE_E_INVALID_ARG;
    jcode_credential c{};
    c.struct_size = sizeof c;
    c.kind = kind;
    c.access_token = str(access_token);
    c.refresh_token = str(refresh_token);
    c.id_token = str(id_token);
    c.expires_at_ms = expires_at_ms;
    c.account_id = str(account_id);
    c.email = str(email);
    c.extra = str(extra);
    return out->put(out->self, &c);
  }
};

/* The value of option `name` in a login request (the plugin's declared options the user
 * gave; a SECRET option's value was read from stdin by the host), or nullopt. */
inline std::optional<std::string_view> login_option(const jcode_login_request& req, std::string_view name) noexcept {
  for (size_t i = 0; req.options && i < req.option_count; ++i)
    if (view(req.options[i].key) == name) return view(req.options[i].value);
  return std::nullopt;
}

/* Base class for a plugin's instance. T must be constructible from Host. */
class Instance {
 public:
  explicit Instance(Host host) noexcept : host_(host) {}
  virtual ~Instance() = default;
  const Host& host() const noexcept { return host_; }

 private:
  Host host_;
};

template <class T>
T& self(jcode_instance* inst) noexcept {
  return *reinterpret_cast<T*>(inst);
}

/* ---- trampolines: C entry points forwarding to member functions of T ---- */

template <class T>
jcode_status JCODE_CALL create(jcode_host_ctx* ctx, jcode_instance** out) noexcept {
  Host host(detail::host_table(), ctx);
  if (!out) return JCODE_E_INVALID_ARG;
  *out = nullptr;
  return guard(host, [&] {
    *out = reinterpret_cast<jcode_instance*>(new T(host));
    return JCODE_OK;
  });
}

template <class T>
void JCODE_CALL destroy(jcode_instance* inst) noexcept {
  try {
    delete reinterpret_cast<T*>(inst);
  } catch (...) {
  }
}

template <class T>
jcode_status JCODE_CALL parse(jcode_instance* i, const jcode_source_decl* s, jcode_str content,
                              const jcode_credential_sink* out) noexcept {
  T& t = self<T>(i);
  return guard(t.host(), [&] { return t.parse(*s, view(content), out); });
}
template <class T>
jcode_status JCODE_CALL serialize(jcode_instance* i, const jcode_source_decl* s, jcode_str current,
                                  const jcode_credential* cred, jcode_sink* out) noexcept {
  T& t = self<T>(i);
  return guard(t.host(), [&] { return t.serialize(*s, view(current), cred, out); });
}
template <class T>
jcode_status JCODE_CALL resolve(jcode_instance* i, const jcode_source_decl* s,
                                const jcode_credential_sink* out) noexcept {
  T& t = self<T>(i);
  return guard(t.host(), [&] { return t.resolve(*s, out); });
}
template <class T>
jcode_status JCODE_CALL token_response(jcode_instance* i, jcode_str json, const jcode_credential* previous,
                                       const jcode_credential_sink* out) noexcept {
  T& t = self<T>(i);
  return guard(t.host(), [&] { return t.token_response(view(json), previous, out); });
}
template <class T>
jcode_status JCODE_CALL after_login(jcode_instance* i, const jcode_credential* cred,
                                    const jcode_credential_sink* out) noexcept {
  T& t = self<T>(i);
  return guard(t.host(), [&] { return t.after_login(*cred, out); });
}
template <class T>
jcode_status JCODE_CALL run(jcode_instance* i, const jcode_login_request* req,
                            const jcode_credential_sink* out) noexcept {
  T& t = self<T>(i);
  return guard(t.host(), [&] { return t.run(*req, out); });
}
template <class T>
jcode_status JCODE_CALL send(jcode_instance* i, const jcode_chat_request* req, const jcode_credential* cred,
                             const jcode_event_sink* events) noexcept {
  T& t = self<T>(i);
  return guard(t.host(), [&] { return t.send(*req, cred, *events); });
}

/* ---- tables built from T's members; optional members become NULL when T lacks them ---- */

template <class T>
constexpr jcode_credential_api credential_api() noexcept {
  jcode_credential_api a{};
  a.struct_size = sizeof a;
  a.parse = &parse<T>;
  if constexpr (requires(T& t, const jcode_source_decl& s, const jcode_credential* c, jcode_sink* o) {
                  t.serialize(s, std::string_view(), c, o);
                })
    a.serialize = &serialize<T>;
  if constexpr (requires(T& t, const jcode_source_decl& s, const jcode_credential_sink* o) { t.resolve(s, o); })
    a.resolve = &resolve<T>;
  return a;
}

template <class T>
constexpr jcode_login_api login_api(int32_t method, const jcode_oauth_client* oauth = nullptr,
                                    const jcode_device_client* device = nullptr,
                                    const jcode_option_decl* const* options = nullptr) noexcept {
  jcode_login_api a{};
  a.struct_size = sizeof a;
  a.method = method;
  a.oauth = oauth;
  a.device = device;
  a.options = options;
  if constexpr (requires(T& t, const jcode_credential* c, const jcode_credential_sink* o) {
                  t.token_response(std::string_view(), c, o);
                })
    a.token_response = &token_response<T>;
  if constexpr (requires(T& t, const jcode_credential& c, const jcode_credential_sink* o) { t.after_login(c, o); })
    a.after_login = &after_login<T>;
  if constexpr (requires(T& t, const jcode_login_request& r, const jcode_credential_sink* o) { t.run(r, o); })
    a.run = &run<T>;
  return a;
}

template <class T>
constexpr jcode_transport_api transport_api(const char* default_model, uint32_t flags = 0) noexcept {
  jcode_transport_api a{};
  a.struct_size = sizeof a;
  a.flags = flags;
  a.default_model = default_model;
  a.send = &send<T>;
  return a;
}

template <class T>
constexpr jcode_plugin_api plugin_api(const char* id, const char* display_name, const char* version,
                                      uint32_t roles, const jcode_credential_api* credentials,
                                      const jcode_transport_api* transport,
                                      const jcode_login_api* login = nullptr,
                                      const jcode_endpoint_decl* const* endpoints = nullptr,
                                      const jcode_source_decl* const* sources = nullptr,
                                      uint32_t flags = 0) noexcept {
  jcode_plugin_api a{};
  a.struct_size = sizeof a;
  a.id = id;
  a.display_name = display_name;
  a.version = version;
  a.roles = roles;
  a.flags = flags;
  a.endpoints = endpoints;
  a.sources = sources;
  a.create = &create<T>;
  a.destroy = &destroy<T>;
  a.credentials = credentials;
  a.login = login;
  a.transport = transport;
  return a;
}

/* ---- declarative tables ---- */

/* A declared endpoint: name, default URL, what it is. */
constexpr jcode_endpoint_decl endpoint(const char* name, const char* default_url,
                                       const char* description = nullptr) noexcept {
  return jcode_endpoint_decl{sizeof(jcode_endpoint_decl), name, default_url, description};
}

/* A declared credential source, by field name:
 *   plugin::source({.kind = JCODE_SOURCE_ENV_VAR, .id = "x_api_key_env", .location = "X_API_KEY",
 *                   .label = "X_API_KEY environment variable", .cred_kind = JCODE_CRED_API_KEY}) */
struct SourceFields {
  int32_t kind = 0;
  const char* id = nullptr;
  const char* location = nullptr;
  const char* label = nullptr;
  int32_t cred_kind = JCODE_CRED_API_KEY;
  uint32_t flags = 0;
  const char* key = nullptr; /* the variable inside an APP_ENV_FILE */
};
constexpr jcode_source_decl source(const SourceFields& f) noexcept {
  return jcode_source_decl{sizeof(jcode_source_decl), f.kind, f.id, f.location, f.key, f.label, f.cred_kind, f.flags};
}

/* A login option: plugin::option("endpoint", "Azure OpenAI endpoint", 0). */
constexpr jcode_option_decl option(const char* name, const char* help, uint32_t flags = 0) noexcept {
  return jcode_option_decl{sizeof(jcode_option_decl), name, help, flags};
}

/* A setting of [plugins.<id>] (ABI 1.2):
 *   plugin::setting("user_agent", JCODE_CONFIG_STRING, "User-Agent header sent to the API") */
constexpr jcode_config_decl setting(const char* key, int32_t type, const char* help) noexcept {
  return jcode_config_decl{sizeof(jcode_config_decl), key, type, help};
}

/* For a plugin that reads no [plugins.<id>] settings: every key there is reported as
 * unknown (.config_keys = plugin::no_settings). */
inline constexpr const jcode_config_decl* const no_settings[] = {nullptr};

/* The plugin table, by field name; the roles follow from the tables given, so they cannot
 * disagree:
 *   const jcode_plugin_api kApi = plugin::plugin_api<T>({.id = "x", .display_name = "X",
 *       .version = "1.0.0", .description = "…", .endpoints = kEndpoints, .sources = kSources,
 *       .credentials = &kCredentials, .login = &kLogin, .transport = &kTransport}); */
struct PluginFields {
  const char* id = nullptr;
  const char* display_name = nullptr;
  const char* version = nullptr;
  const char* description = nullptr;
  const jcode_endpoint_decl* const* endpoints = nullptr;
  const jcode_source_decl* const* sources = nullptr;
  const jcode_credential_api* credentials = nullptr;
  const jcode_login_api* login = nullptr;
  const jcode_transport_api* transport = nullptr;
  uint32_t flags = 0;
  const jcode_alias_decl* const* aliases = nullptr; /* ABI 1.1 */
  const jcode_config_decl* const* config_keys = nullptr; /* ABI 1.2 */
  const jcode_provider_decl* const* providers = nullptr; /* ABI 1.3 */
  const char* profile_type = nullptr;                    /* ABI 1.3 */
};
template <class T>
constexpr jcode_plugin_api plugin_api(const PluginFields& f) noexcept {
  const uint32_t roles = (f.credentials ? JCODE_ROLE_CREDENTIALS : 0u) | (f.login ? JCODE_ROLE_LOGIN : 0u) |
                         (f.transport ? JCODE_ROLE_TRANSPORT : 0u);
  jcode_plugin_api a = plugin_api<T>(f.id, f.display_name, f.version, roles, f.credentials, f.transport, f.login,
                                     f.endpoints, f.sources, f.flags);
  a.description = f.description;
  a.aliases = f.aliases;
  a.config_keys = f.config_keys;
  a.providers = f.providers;
  a.profile_type = f.profile_type;
  return a;
}

/* A further provider of the library (ABI 1.3), by field name:
 *   plugin::provider({.id = "groq", .display_name = "Groq", .endpoints = kGroqEndpoints,
 *                     .sources = kGroqSources, .default_model = "llama-3.1-8b-instant"}) */
struct ProviderFields {
  const char* id = nullptr;
  const char* display_name = nullptr;
  const char* description = nullptr;
  const jcode_endpoint_decl* const* endpoints = nullptr;
  const jcode_source_decl* const* sources = nullptr;
  const char* default_model = nullptr;
  uint32_t flags = 0; /* JCODE_PROVIDER_F_* */
};
constexpr jcode_provider_decl provider(const ProviderFields& f) noexcept {
  return jcode_provider_decl{sizeof(jcode_provider_decl), f.id, f.display_name, f.description, f.endpoints,
                             f.sources, f.default_model, f.flags};
}

namespace detail {
/* The entry point's body: refuse a major we do not serve (writing nothing), then answer
 * min(our minor, the host's newest) and the table. Does no I/O and allocates nothing. */
inline jcode_status negotiate(const jcode_init_in* in, jcode_init_out* out, const jcode_plugin_api* api,
                              uint32_t our_minor) noexcept {
  if (!in || !out || in->struct_size < 2 * sizeof(uint32_t)) return JCODE_E_INVALID_ARG;
  if (in->abi_major != JCODE_ABI_MAJOR) return JCODE_E_INCOMPATIBLE;
  if (!JCODE_HAS_FIELD(in, jcode_init_in, ctx) || !JCODE_HAS_FIELD(out, jcode_init_out, api))
    return JCODE_E_INCOMPATIBLE;
  /* A minor below abi_minor_min is still answered: the host refuses it with the reason. */
  const uint32_t minor = our_minor < in->abi_minor_max ? our_minor : in->abi_minor_max;
  host_table() = in->host;
  out->abi_minor = minor;
  out->api = api;
  return JCODE_OK;
}
}  // namespace detail

}  // namespace jcode::plugin

/* Emits the one exported symbol. API: a jcode_plugin_api object with static storage;
 * MINOR: the newest ABI minor the plugin implements (usually JCODE_ABI_MINOR). */
#define JCODE_DEFINE_PLUGIN(API, MINOR)                                                              \
  extern "C" JCODE_EXPORT jcode_status JCODE_CALL jcode_plugin_entry(const jcode_init_in* in,       \
                                                                     jcode_init_out* out) {         \
    return ::jcode::plugin::detail::negotiate(in, out, &(API), (MINOR));                             \
  }

#endif /* JCODE_PLUGIN_HPP */
