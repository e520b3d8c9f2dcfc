// The C side of HostServices: the static jcode_host_api table. Every function finds the
// plugin's context, copies what the plugin handed in, catches every exception (nothing may
// unwind into plugin code) and forwards to the C++ services.
#include "plugins/convert.hpp"
#include "plugins/host_ctx.hpp"

#include <jcode/plugins/status.hpp>

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <exception>
#include <new>

namespace jcode::plugins::detail {
namespace {

constexpr std::string_view kRedacted = "[REDACTED]";
// Shorter secrets would redact ordinary words; they are still forwarded to the services.
constexpr size_t kMinSecretLen = 6;

std::vector<CallErrors>* current_stack(jcode_host_ctx* ctx) {
  auto it = ctx->calls.find(std::this_thread::get_id());
  return it == ctx->calls.end() || it->second.empty() ? nullptr : &it->second;
}

// Runs body; turns any exception into a status (and a host error for the current call).
template <class Body>
jcode_status guarded(jcode_host_ctx* ctx, const char* service, Body&& body) noexcept {
  if (!ctx || !ctx->services) return JCODE_E_INVALID_ARG;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    try {
      return record_host_error(ctx, Error{JCODE_E_NOMEM, std::string("out of memory in host service ") + service});
    } catch (...) {
      return JCODE_E_NOMEM;
    }
  } catch (const std::exception& e) {
    try {
      return record_host_error(ctx, Error{JCODE_E_INTERNAL,
                                          std::string("internal error in host service ") + service + ": " + e.what()});
    } catch (...) {
      return JCODE_E_INTERNAL;
    }
  } catch (...) {
    return JCODE_E_INTERNAL;
  }
}

jcode_status invalid(jcode_host_ctx* ctx, const char* service, const char* what) {
  return record_host_error(ctx, Error{JCODE_E_INVALID_ARG, std::string(service) + ": " + what});
}

jcode_status fail(jcode_host_ctx* ctx, Error e) { return record_host_error(ctx, std::move(e)); }

jcode_status write_sink(jcode_sink* sink, std::string_view data) {
  if (!sink || !JCODE_HAS_FIELD(sink, jcode_sink, write) || !sink->write) return JCODE_E_INVALID_ARG;
  return sink->write(sink->self, data.data(), data.size());
}

bool sink_ok(const jcode_sink* sink) {
  return sink && JCODE_HAS_FIELD(sink, jcode_sink, write) && sink->write;
}

// Writes a service's string result to the plugin's sink, then wipes the host's copy.
jcode_status deliver(jcode_host_ctx* ctx, Result<std::string> r, jcode_sink* out) {
  if (!r) return fail(ctx, std::move(r).error());
  jcode_status st = write_sink(out, *r);
  wipe(*r);
  return st;
}

// Error for a callback of the plugin that stopped a transfer.
Status stopped(jcode_status st, const char* by) {
  if (st == JCODE_OK) return {};
  return Error{normalize_status(st), std::string("stopped by the plugin's ") + by};
}

// ---- messages ----

void JCODE_CALL h_log(jcode_host_ctx* ctx, int32_t level, jcode_str message) {
  guarded(ctx, "log", [&] {
    if (!valid(message)) return JCODE_E_INVALID_ARG;
    LogLevel lv = (level >= JCODE_LOG_ERROR && level <= JCODE_LOG_DEBUG) ? static_cast<LogLevel>(level)
                                                                        : LogLevel::info;
    ctx->services->log(ctx->plugin_id, lv, redact(ctx, std::string(view_of(message))));
    return JCODE_OK;
  });
}

void JCODE_CALL h_set_error(jcode_host_ctx* ctx, jcode_status code, jcode_str message) {
  guarded(ctx, "set_error", [&] {
    if (!valid(message)) return JCODE_E_INVALID_ARG;
    std::string text = redact(ctx, std::string(view_of(message)));
    std::lock_guard lock(ctx->mu);
    if (auto* stack = current_stack(ctx)) stack->back().plugin = Error{normalize_status(code), std::move(text)};
    return JCODE_OK;
  });
}

void JCODE_CALL h_add_secret(jcode_host_ctx* ctx, jcode_str secret) {
  guarded(ctx, "add_secret", [&] {
    if (!valid(secret) || secret.len == 0) return JCODE_E_INVALID_ARG;
    std::string copy(view_of(secret));
    {
      std::lock_guard lock(ctx->mu);
      if (copy.size() >= kMinSecretLen &&
          std::find(ctx->secrets.begin(), ctx->secrets.end(), copy) == ctx->secrets.end())
        ctx->secrets.push_back(copy);
    }
    ctx->services->add_secret(ctx->plugin_id, copy);
    wipe(copy);
    return JCODE_OK;
  });
}

void JCODE_CALL h_notify(jcode_host_ctx* ctx, jcode_str message) {
  guarded(ctx, "notify", [&] {
    if (!valid(message)) return JCODE_E_INVALID_ARG;
    ctx->services->notify(ctx->plugin_id, redact(ctx, std::string(view_of(message))));
    return JCODE_OK;
  });
}

// ---- configuration and environment ----

jcode_status JCODE_CALL h_config_get(jcode_host_ctx* ctx, jcode_str key, jcode_sink* out) {
  return guarded(ctx, "config_get", [&] {
    if (!valid(key) || !sink_ok(out)) return invalid(ctx, "config_get", "NULL key or sink");
    return deliver(ctx, ctx->services->config_get(ctx->plugin_id, std::string(view_of(key))), out);
  });
}

jcode_status JCODE_CALL h_env_get(jcode_host_ctx* ctx, jcode_str name, jcode_sink* out) {
  return guarded(ctx, "env_get", [&] {
    if (!valid(name) || !sink_ok(out)) return invalid(ctx, "env_get", "NULL name or sink");
    return deliver(ctx, ctx->services->env_get(ctx->plugin_id, std::string(view_of(name))), out);
  });
}

jcode_status JCODE_CALL h_endpoint_url(jcode_host_ctx* ctx, jcode_str name, jcode_sink* out) {
  return guarded(ctx, "endpoint_url", [&] {
    if (!valid(name) || !sink_ok(out)) return invalid(ctx, "endpoint_url", "NULL name or sink");
    return deliver(ctx, ctx->services->endpoint_url(ctx->plugin_id, std::string(view_of(name))), out);
  });
}

// ---- clock and randomness ----

int64_t JCODE_CALL h_now_ms(jcode_host_ctx* ctx) {
  int64_t now = 0;
  guarded(ctx, "now_ms", [&] {
    now = ctx->services->now_ms(ctx->plugin_id);
    return JCODE_OK;
  });
  return now;
}

jcode_status JCODE_CALL h_random_bytes(jcode_host_ctx* ctx, void* buf, size_t len) {
  return guarded(ctx, "random_bytes", [&] {
    if (!buf && len) return invalid(ctx, "random_bytes", "NULL buffer");
    if (!len) return JCODE_OK;
    auto r = ctx->services->random_bytes(ctx->plugin_id, std::span<std::byte>(static_cast<std::byte*>(buf), len));
    return r ? JCODE_OK : fail(ctx, std::move(r).error());
  });
}

// ---- HTTP ----

jcode_status JCODE_CALL h_http(jcode_host_ctx* ctx, const jcode_http_request* req,
                               const jcode_http_response_sink* sink) {
  return guarded(ctx, "http", [&] {
    if (!req || !JCODE_HAS_FIELD(req, jcode_http_request, url) || !valid(req->method) || !valid(req->url))
      return invalid(ctx, "http", "the request is NULL, too small, or has a NULL method/url");
    if (!sink || !JCODE_HAS_FIELD(sink, jcode_http_response_sink, on_status) || !sink->on_status)
      return invalid(ctx, "http", "the response sink is NULL or has no on_status");
    HttpRequest r;
    r.method.assign(view_of(req->method));
    r.url.assign(view_of(req->url));
    if (JCODE_HAS_FIELD(req, jcode_http_request, header_count) && req->header_count) {
      if (!req->headers) return invalid(ctx, "http", "headers is NULL but header_count > 0");
      r.headers.reserve(req->header_count);
      for (size_t i = 0; i < req->header_count; ++i) {
        const jcode_kv& kv = req->headers[i];
        if (!valid(kv.key) || !valid(kv.value)) return invalid(ctx, "http", "a header has a NULL pointer");
        r.headers.emplace_back(std::string(view_of(kv.key)), std::string(view_of(kv.value)));
      }
    }
    if (JCODE_HAS_FIELD(req, jcode_http_request, body)) {
      if (!valid(req->body)) return invalid(ctx, "http", "body has a NULL pointer");
      r.body.assign(view_of(req->body));
    }
    if (JCODE_HAS_FIELD(req, jcode_http_request, flags)) r.flags = req->flags;
    if (JCODE_HAS_FIELD(req, jcode_http_request, timeout_ms)) r.timeout_ms = req->timeout_ms;

    // Copy the sink: the plugin's struct is only borrowed for this call, which is all we need.
    const jcode_http_response_sink s = *sink;
    const bool has_body = JCODE_HAS_FIELD(sink, jcode_http_response_sink, on_body) && s.on_body;
    const bool has_event = JCODE_HAS_FIELD(sink, jcode_http_response_sink, on_event) && s.on_event;
    HttpResponseHandler h;
    h.on_status = [&s](int32_t status, const Headers& headers) -> Status {
      std::vector<jcode_kv> kvs;
      kvs.reserve(headers.size());
      for (const auto& [k, v] : headers) kvs.push_back(jcode_kv{str_from(k), str_from(v)});
      return stopped(s.on_status(s.self, status, kvs.empty() ? nullptr : kvs.data(), kvs.size()), "on_status");
    };
    if (has_body)
      h.on_body = [&s](std::string_view d) { return stopped(s.on_body(s.self, d.data(), d.size()), "on_body"); };
    if (has_event)
      h.on_event = [&s](std::string_view ev, std::string_view d) {
        return stopped(s.on_event(s.self, str_from(ev), str_from(d)), "on_event");
      };
    auto st = ctx->services->http(ctx->plugin_id, r, h);
    for (auto& [k, v] : r.headers) wipe(v);  // Authorization headers
    wipe(r.body);
    return st ? JCODE_OK : fail(ctx, std::move(st).error());
  });
}

// ---- the user ----

jcode_status JCODE_CALL h_prompt(jcode_host_ctx* ctx, const jcode_prompt* prompt, jcode_sink* answer) {
  return guarded(ctx, "prompt", [&] {
    if (!prompt || !JCODE_HAS_FIELD(prompt, jcode_prompt, question) || !valid(prompt->question) || !sink_ok(answer))
      return invalid(ctx, "prompt", "the prompt is NULL or too small, or the answer sink is NULL");
    Prompt p;
    if (prompt->kind < JCODE_PROMPT_TEXT || prompt->kind > JCODE_PROMPT_CONFIRM)
      return invalid(ctx, "prompt", "unknown prompt kind");
    p.kind = static_cast<PromptKind>(prompt->kind);
    p.question.assign(view_of(prompt->question));
    if (JCODE_HAS_FIELD(prompt, jcode_prompt, default_value) && valid(prompt->default_value))
      p.default_value.assign(view_of(prompt->default_value));
    if (JCODE_HAS_FIELD(prompt, jcode_prompt, choices) && valid(prompt->choices))
      p.choices.assign(view_of(prompt->choices));
    if (p.kind == PromptKind::choice && p.choices.empty())
      return invalid(ctx, "prompt", "a choice prompt needs choices");
    return deliver(ctx, ctx->services->prompt(ctx->plugin_id, p), answer);
  });
}

jcode_status JCODE_CALL h_open_url(jcode_host_ctx* ctx, jcode_str url) {
  return guarded(ctx, "open_url", [&] {
    if (!valid(url) || url.len == 0) return invalid(ctx, "open_url", "empty URL");
    auto st = ctx->services->open_url(ctx->plugin_id, std::string(view_of(url)));
    return st ? JCODE_OK : fail(ctx, std::move(st).error());
  });
}

// ---- loopback ----

jcode_status JCODE_CALL h_loopback_listen(jcode_host_ctx* ctx, const jcode_loopback_spec* spec,
                                          jcode_loopback** out, jcode_sink* redirect_uri) {
  return guarded(ctx, "loopback_listen", [&] {
    if (!out) return invalid(ctx, "loopback_listen", "NULL out");
    *out = nullptr;
    if (!spec || !JCODE_HAS_FIELD(spec, jcode_loopback_spec, path) || !valid(spec->host) ||
        !valid(spec->path) || spec->path.len == 0 || !sink_ok(redirect_uri))
      return invalid(ctx, "loopback_listen", "the spec is NULL, too small or has no path, or the sink is NULL");
    LoopbackSpec s;
    s.port = spec->port;
    s.host.assign(view_of(spec->host));
    if (s.host.empty()) s.host = "localhost";
    s.path.assign(view_of(spec->path));
    auto r = ctx->services->loopback_listen(ctx->plugin_id, s);
    if (!r) return fail(ctx, std::move(r).error());
    if (!*r) return fail(ctx, Error{JCODE_E_INTERNAL, "loopback_listen: the host returned no listener"});
    auto lb = std::make_unique<jcode_loopback>();
    lb->ctx = ctx;
    lb->impl = std::move(*r);
    jcode_status st = write_sink(redirect_uri, lb->impl->redirect_uri());
    if (st != JCODE_OK) return st;
    *out = lb.release();
    return JCODE_OK;
  });
}

jcode_status JCODE_CALL h_loopback_wait(jcode_loopback* lb, uint32_t timeout_ms, jcode_sink* query) {
  if (!lb) return JCODE_E_INVALID_ARG;
  return guarded(lb->ctx, "loopback_wait", [&] {
    if (!sink_ok(query)) return invalid(lb->ctx, "loopback_wait", "NULL sink");
    return deliver(lb->ctx, lb->impl->wait(timeout_ms), query);
  });
}

void JCODE_CALL h_loopback_close(jcode_loopback* lb) {
  if (!lb) return;
  try {
    delete lb;
  } catch (...) {
  }
}

// ---- subprocesses ----

jcode_status JCODE_CALL h_spawn(jcode_host_ctx* ctx, const jcode_process_spec* spec,
                                const jcode_process_sink* sink, int32_t* exit_code) {
  return guarded(ctx, "spawn", [&] {
    if (!spec || !JCODE_HAS_FIELD(spec, jcode_process_spec, argc) || spec->argc == 0 || !spec->argv)
      return invalid(ctx, "spawn", "the spec is NULL, too small or has no argv");
    ProcessSpec p;
    for (size_t i = 0; i < spec->argc; ++i) {
      if (!valid(spec->argv[i])) return invalid(ctx, "spawn", "an argv entry has a NULL pointer");
      p.argv.emplace_back(view_of(spec->argv[i]));
    }
    if (JCODE_HAS_FIELD(spec, jcode_process_spec, env_count) && spec->env_count) {
      if (!spec->env) return invalid(ctx, "spawn", "env is NULL but env_count > 0");
      for (size_t i = 0; i < spec->env_count; ++i) {
        if (!valid(spec->env[i].key) || !valid(spec->env[i].value))
          return invalid(ctx, "spawn", "an env entry has a NULL pointer");
        p.env.emplace_back(std::string(view_of(spec->env[i].key)), std::string(view_of(spec->env[i].value)));
      }
    }
    if (JCODE_HAS_FIELD(spec, jcode_process_spec, stdin_data) && valid(spec->stdin_data))
      p.stdin_data.assign(view_of(spec->stdin_data));
    if (JCODE_HAS_FIELD(spec, jcode_process_spec, timeout_ms)) p.timeout_ms = spec->timeout_ms;
    if (JCODE_HAS_FIELD(spec, jcode_process_spec, flags)) p.terminal = (spec->flags & JCODE_PROCESS_F_TERMINAL) != 0;

    ProcessOutput o;
    jcode_process_sink s{};
    if (sink && JCODE_HAS_FIELD(sink, jcode_process_sink, self)) {
      s = *sink;
      if (JCODE_HAS_FIELD(sink, jcode_process_sink, on_stdout) && s.on_stdout)
        o.on_stdout = [&s](std::string_view d) { return stopped(s.on_stdout(s.self, d.data(), d.size()), "on_stdout"); };
      if (JCODE_HAS_FIELD(sink, jcode_process_sink, on_stderr) && s.on_stderr)
        o.on_stderr = [&s](std::string_view d) { return stopped(s.on_stderr(s.self, d.data(), d.size()), "on_stderr"); };
    }
    auto r = ctx->services->spawn(ctx->plugin_id, p, o);
    for (auto& [k, v] : p.env) wipe(v);
    wipe(p.stdin_data);
    if (!r) return fail(ctx, std::move(r).error());
    if (exit_code) *exit_code = *r;
    return JCODE_OK;
  });
}

// ---- credential store and pending state ----

jcode_status JCODE_CALL h_store_read(jcode_host_ctx* ctx, jcode_str source_id, jcode_sink* out) {
  return guarded(ctx, "store_read", [&] {
    if (!valid(source_id) || !sink_ok(out)) return invalid(ctx, "store_read", "NULL source id or sink");
    return deliver(ctx, ctx->services->store_read(ctx->plugin_id, std::string(view_of(source_id))), out);
  });
}

jcode_status JCODE_CALL h_store_write(jcode_host_ctx* ctx, jcode_str source_id, jcode_str content) {
  return guarded(ctx, "store_write", [&] {
    if (!valid(source_id) || !valid(content)) return invalid(ctx, "store_write", "NULL source id or content");
    std::string body(view_of(content));
    auto st = ctx->services->store_write(ctx->plugin_id, std::string(view_of(source_id)), body);
    wipe(body);
    return st ? JCODE_OK : fail(ctx, std::move(st).error());
  });
}

jcode_status JCODE_CALL h_state_put(jcode_host_ctx* ctx, jcode_str key, jcode_str value, int64_t ttl_ms) {
  return guarded(ctx, "state_put", [&] {
    if (!valid(key) || key.len == 0 || !valid(value)) return invalid(ctx, "state_put", "empty key or NULL value");
    std::string v(view_of(value));
    auto st = ctx->services->state_put(ctx->plugin_id, std::string(view_of(key)), v, ttl_ms);
    wipe(v);
    return st ? JCODE_OK : fail(ctx, std::move(st).error());
  });
}

jcode_status JCODE_CALL h_state_get(jcode_host_ctx* ctx, jcode_str key, jcode_sink* out) {
  return guarded(ctx, "state_get", [&] {
    if (!valid(key) || !sink_ok(out)) return invalid(ctx, "state_get", "NULL key or sink");
    return deliver(ctx, ctx->services->state_get(ctx->plugin_id, std::string(view_of(key))), out);
  });
}

jcode_status JCODE_CALL h_state_erase(jcode_host_ctx* ctx, jcode_str key) {
  return guarded(ctx, "state_erase", [&] {
    if (!valid(key)) return invalid(ctx, "state_erase", "NULL key");
    auto st = ctx->services->state_erase(ctx->plugin_id, std::string(view_of(key)));
    return st ? JCODE_OK : fail(ctx, std::move(st).error());
  });
}

// ---- OAuth engine ----

jcode_status JCODE_CALL h_oauth_authorize(jcode_host_ctx* ctx, const jcode_oauth_client* client,
                                          const jcode_login_request* req, jcode_sink* token_json) {
  return guarded(ctx, "oauth_authorize", [&] {
    if (!client || !JCODE_HAS_FIELD(client, jcode_oauth_client, token_endpoint) || !client->client_id ||
        !client->authorize_endpoint || !client->token_endpoint || !sink_ok(token_json))
      return invalid(ctx, "oauth_authorize", "the client lacks client_id/authorize/token, or the sink is NULL");
    model::LoginRequest lr;
    if (req) {
      auto r = to_model(*req);
      if (!r) return fail(ctx, std::move(r).error());
      lr = std::move(*r);
    }
    return deliver(ctx, ctx->services->oauth_authorize(ctx->plugin_id, to_model(*client), lr), token_json);
  });
}

jcode_status JCODE_CALL h_device_authorize(jcode_host_ctx* ctx, const jcode_device_client* client,
                                           const jcode_login_request* req, jcode_sink* token_json) {
  return guarded(ctx, "device_authorize", [&] {
    if (!client || !JCODE_HAS_FIELD(client, jcode_device_client, token_endpoint) || !client->client_id ||
        !client->device_endpoint || !client->token_endpoint || !sink_ok(token_json))
      return invalid(ctx, "device_authorize", "the client lacks client_id/device/token, or the sink is NULL");
    model::LoginRequest lr;
    if (req) {
      auto r = to_model(*req);
      if (!r) return fail(ctx, std::move(r).error());
      lr = std::move(*r);
    }
    return deliver(ctx, ctx->services->device_authorize(ctx->plugin_id, to_model(*client), lr), token_json);
  });
}

int32_t JCODE_CALL h_is_cancelled(jcode_host_ctx* ctx) {
  int32_t cancelled = 0;
  guarded(ctx, "is_cancelled", [&] {
    cancelled = ctx->services->is_cancelled(ctx->plugin_id) ? 1 : 0;
    return JCODE_OK;
  });
  return cancelled;
}

// ---- ABI 1.1 ----

jcode_status JCODE_CALL h_resolve_url(jcode_host_ctx* ctx, jcode_str url, jcode_str setting, jcode_sink* out) {
  return guarded(ctx, "resolve_url", [&] {
    if (!valid(url) || !valid(setting) || !sink_ok(out)) return invalid(ctx, "resolve_url", "NULL url or sink");
    return deliver(ctx,
                   ctx->services->resolve_url(ctx->plugin_id, std::string(view_of(url)), std::string(view_of(setting))),
                   out);
  });
}

jcode_status JCODE_CALL h_read_file(jcode_host_ctx* ctx, jcode_str path, uint64_t max_bytes, jcode_sink* out) {
  return guarded(ctx, "read_file", [&] {
    if (!valid(path) || path.len == 0 || !sink_ok(out)) return invalid(ctx, "read_file", "empty path or NULL sink");
    return deliver(ctx, ctx->services->read_file(ctx->plugin_id, std::string(view_of(path)), max_bytes), out);
  });
}

jcode_status JCODE_CALL h_provider_id(jcode_host_ctx* ctx, jcode_sink* out) {
  return guarded(ctx, "provider_id", [&] {
    if (!sink_ok(out)) return invalid(ctx, "provider_id", "NULL sink");
    return deliver(ctx, Result<std::string>(ctx->plugin_id), out);
  });
}

const jcode_host_api kTable = [] {
  jcode_host_api t{};
  t.struct_size = sizeof(jcode_host_api);
  t.abi_minor = JCODE_ABI_MINOR;
  t.log = h_log;
  t.set_error = h_set_error;
  t.add_secret = h_add_secret;
  t.notify = h_notify;
  t.config_get = h_config_get;
  t.env_get = h_env_get;
  t.endpoint_url = h_endpoint_url;
  t.now_ms = h_now_ms;
  t.random_bytes = h_random_bytes;
  t.http = h_http;
  t.prompt = h_prompt;
  t.open_url = h_open_url;
  t.loopback_listen = h_loopback_listen;
  t.loopback_wait = h_loopback_wait;
  t.loopback_close = h_loopback_close;
  t.spawn = h_spawn;
  t.store_read = h_store_read;
  t.store_write = h_store_write;
  t.state_put = h_state_put;
  t.state_get = h_state_get;
  t.state_erase = h_state_erase;
  t.oauth_authorize = h_oauth_authorize;
  t.device_authorize = h_device_authorize;
  t.is_cancelled = h_is_cancelled;
  t.resolve_url = h_resolve_url;
  t.read_file = h_read_file;
  t.provider_id = h_provider_id;
  return t;
}();

}  // namespace

const jcode_host_api& host_api_table() { return kTable; }

std::unique_ptr<jcode_host_ctx> make_host_ctx(std::string plugin_id, HostServices& services) {
  auto ctx = std::make_unique<jcode_host_ctx>();
  ctx->plugin_id = std::move(plugin_id);
  ctx->services = &services;
  return ctx;
}

void wipe(std::string& s) noexcept {
  if (!s.empty()) explicit_bzero(s.data(), s.size());
  s.clear();
}

std::string redact(jcode_host_ctx* ctx, std::string text) {
  std::lock_guard lock(ctx->mu);
  for (const auto& secret : ctx->secrets) {
    for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + kRedacted.size()))
      text.replace(pos, secret.size(), kRedacted);
  }
  return text;
}

jcode_status record_host_error(jcode_host_ctx* ctx, Error error) {
  jcode_status st = normalize_status(error.status);
  if (st == JCODE_OK) st = JCODE_E_INTERNAL;
  error.status = st;
  error.message = redact(ctx, std::move(error.message));
  std::lock_guard lock(ctx->mu);
  if (auto* stack = current_stack(ctx)) stack->back().host = std::move(error);
  return st;
}

CallScope::CallScope(jcode_host_ctx* ctx) : ctx_(ctx) {
  std::lock_guard lock(ctx_->mu);
  ctx_->calls[std::this_thread::get_id()].emplace_back();
}

CallScope::~CallScope() {
  std::lock_guard lock(ctx_->mu);
  auto it = ctx_->calls.find(std::this_thread::get_id());
  if (it == ctx_->calls.end()) return;
  if (!it->second.empty()) it->second.pop_back();
  if (it->second.empty()) ctx_->calls.erase(it);
}

std::optional<Error> CallScope::plugin_error() const {
  std::lock_guard lock(ctx_->mu);
  auto* stack = current_stack(ctx_);
  return stack ? stack->back().plugin : std::nullopt;
}

Error CallScope::error(jcode_status status, std::string_view what, std::string_view reason) const {
  const jcode_status st = normalize_status(status);
  std::optional<Error> plugin, host;
  {
    std::lock_guard lock(ctx_->mu);
    if (auto* stack = current_stack(ctx_)) {
      plugin = stack->back().plugin;
      host = stack->back().host;
    }
  }
  std::string prefix = "provider '" + ctx_->plugin_id + "': ";
  if (plugin && !plugin->message.empty()) return Error{st, prefix + plugin->message};
  if (host && !host->message.empty()) return Error{st, prefix + host->message};
  std::string msg = prefix + std::string(what) + " failed with " + std::string(status_name(status));
  if (!reason.empty()) msg += ": " + std::string(reason);
  if (st != status || status_name(status) == "plugin-private") msg += " (code " + std::to_string(status) + ")";
  return Error{st, msg};
}

}  // namespace jcode::plugins::detail

jcode_host_ctx::~jcode_host_ctx() {
  for (auto& s : secrets) jcode::plugins::detail::wipe(s);
}
