// The calls into a loaded plugin: host-owned sinks, status and message translation.
#include "plugins/convert.hpp"
#include "plugins/host_ctx.hpp"
#include "plugins/loaded_library.hpp"

#include <jcode/plugins/registry.hpp>
#include <jcode/plugins/status.hpp>

#include <string.h>  // explicit_bzero

namespace jcode::plugins {
namespace {

// What one sink accepts; a plugin writing more is stopped with JCODE_E_NOMEM.
constexpr size_t kSinkLimit = size_t{64} << 20;

// A host-owned jcode_sink collecting bytes. Secret sinks wipe every buffer they drop.
class HostSink {
 public:
  explicit HostSink(bool secret) : secret_(secret) {
    sink_.struct_size = sizeof(jcode_sink);
    sink_.flags = secret ? JCODE_SINK_SECRET : 0u;
    sink_.self = this;
    sink_.write = &HostSink::write;
  }
  ~HostSink() {
    if (secret_) detail::wipe(data_);
  }
  HostSink(const HostSink&) = delete;
  HostSink& operator=(const HostSink&) = delete;

  jcode_sink* get() { return &sink_; }
  std::string take() { return std::move(data_); }

 private:
  static jcode_status JCODE_CALL write(void* self, const char* data, size_t len) noexcept {
    auto* s = static_cast<HostSink*>(self);
    if (len == 0) return JCODE_OK;
    if (!data) return JCODE_E_INVALID_ARG;
    if (len > kSinkLimit - s->data_.size()) return JCODE_E_NOMEM;
    try {
      if (s->secret_ && s->data_.size() + len > s->data_.capacity()) {
        // Grow by hand so the old buffer is wiped, not just freed.
        std::string bigger;
        bigger.reserve(std::max(s->data_.capacity() * 2, s->data_.size() + len));
        bigger.append(s->data_);
        detail::wipe(s->data_);
        s->data_.swap(bigger);
      }
      s->data_.append(data, len);
      return JCODE_OK;
    } catch (...) {
      return JCODE_E_NOMEM;
    }
  }

  jcode_sink sink_{};
  std::string data_;
  bool secret_;
};

// A host-owned jcode_credential_sink: copies what put() is given.
class CredentialCollector {
 public:
  CredentialCollector() {
    sink_.struct_size = sizeof(jcode_credential_sink);
    sink_.self = this;
    sink_.put = &CredentialCollector::put;
  }
  const jcode_credential_sink* get() const { return &sink_; }
  std::optional<model::Credential> cred;
  std::optional<Error> error;  // why a put() was refused

 private:
  static jcode_status JCODE_CALL put(void* self, const jcode_credential* c) noexcept {
    auto* s = static_cast<CredentialCollector*>(self);
    try {
      auto r = detail::to_model(c);
      if (!r) {
        s->error = r.error();
        return r.error().status;
      }
      s->cred = std::move(*r);  // a second put replaces the first
      return JCODE_OK;
    } catch (...) {
      return JCODE_E_NOMEM;
    }
  }
  jcode_credential_sink sink_{};
};

class EventEmitter {
 public:
  explicit EventEmitter(const EventHandler& handler) : handler_(handler) {
    sink_.struct_size = sizeof(jcode_event_sink);
    sink_.self = this;
    sink_.emit = &EventEmitter::emit;
  }
  const jcode_event_sink* get() const { return &sink_; }
  std::optional<Error> error;  // the handler's or the conversion's, when emit refused

 private:
  static jcode_status JCODE_CALL emit(void* self, const jcode_event* e) noexcept {
    auto* s = static_cast<EventEmitter*>(self);
    try {
      auto ev = detail::to_model(e);
      if (!ev) {
        s->error = ev.error();
        return ev.error().status;
      }
      // Unknown event types are ignored (ABI rule: unknown things are not fatal).
      if (ev->type < EventType::text || ev->type > EventType::model) return JCODE_OK;
      if (!s->handler_) return JCODE_OK;
      auto st = s->handler_(*ev);
      if (st) return JCODE_OK;
      s->error = st.error();
      return normalize_status(st.error().status);
    } catch (const std::exception& ex) {
      s->error = Error{JCODE_E_INTERNAL, std::string("event handler failed: ") + ex.what()};
      return JCODE_E_INTERNAL;
    } catch (...) {
      return JCODE_E_INTERNAL;
    }
  }
  const EventHandler& handler_;
  jcode_event_sink sink_{};
};

Error not_supported(const PluginInfo& info, const char* what) {
  return Error{JCODE_E_NOT_SUPPORTED, "provider '" + info.id + "' does not implement " + what};
}

}  // namespace

// Runs fn (which calls the plugin and returns its status) with the per-plugin lock, the
// error bookkeeping, and exceptions stopped; turns a failure into an Error.
template <class Fn>
Status Plugin::invoke(const char* what, Fn&& fn) {
  if (!lib_ || !lib_->instance)
    return Error{JCODE_E_INTERNAL, "provider '" + info_.id + "' was called before it was created"};
  std::unique_lock lock(call_mu_, std::defer_lock);
  if (!info_.thread_safe()) lock.lock();
  detail::CallScope scope(lib_->ctx.get());
  jcode_status st = JCODE_E_INTERNAL;
  try {
    st = fn();
  } catch (...) {
    return Error{JCODE_E_INTERNAL, "provider '" + info_.id + "': a C++ exception escaped " + what + "()"};
  }
  if (st == JCODE_OK) return {};
  return scope.error(st, what, reason_string(st));
}

std::string Plugin::reason_string(jcode_status code) const {
  if (!lib_ || !lib_->api || !lib_->api->reason_string || code > JCODE_E_PLUGIN_FIRST || code < JCODE_E_PLUGIN_LAST)
    return {};
  try {
    const char* s = lib_->api->reason_string(code);
    return s ? std::string(s) : std::string();
  } catch (...) {
    return {};
  }
}

namespace {
const jcode_source_decl* own_decl(const LoadedLibrary& lib, const PluginInfo& info, const model::SourceDecl& s) {
  for (size_t i = 0; i < info.sources.size(); ++i)
    if (info.sources[i].id == s.id) return lib.source_decls[i];
  return nullptr;
}

Error unknown_source(const PluginInfo& info, const model::SourceDecl& s) {
  return Error{JCODE_E_INVALID_ARG, "provider '" + info.id + "' declares no source '" + s.id + "'"};
}

// After a call that must put() a credential: the credential, or why there is none.
Result<model::Credential> collected(const PluginInfo& info, Status st, CredentialCollector& out, const char* what) {
  if (out.error) return Error{out.error->status, "provider '" + info.id + "' handed over a bad credential in " + what + ": " + out.error->message};
  if (!st) return std::move(st).error();
  if (!out.cred) return Error{JCODE_E_PROTOCOL, "provider '" + info.id + "' returned success from " + what + " without a credential"};
  return std::move(*out.cred);
}
}  // namespace

Result<model::Credential> Plugin::call_parse(const model::SourceDecl& source, std::string_view content) {
  if (!info_.credentials) return not_supported(info_, "the credentials role");
  const jcode_source_decl* decl = own_decl(*lib_, info_, source);
  if (!decl) return unknown_source(info_, source);
  CredentialCollector out;
  auto st = invoke("parse", [&] {
    return lib_->api->credentials->parse(lib_->instance, decl, detail::str_from(content), out.get());
  });
  if (!st && st.status() == JCODE_E_DECLINE) return std::move(st).error();
  auto r = collected(info_, std::move(st), out, "parse");
  if (r) r->source_id = source.id;
  return r;
}

Result<std::string> Plugin::call_serialize(const model::SourceDecl& source, std::string_view current,
                                           const model::Credential* cred) {
  if (!info_.credentials || !info_.credentials->has_serialize) return not_supported(info_, "credentials.serialize");
  const jcode_source_decl* decl = own_decl(*lib_, info_, source);
  if (!decl) return unknown_source(info_, source);
  std::optional<detail::CredentialView> view;
  if (cred) view.emplace(*cred);
  HostSink out(true);
  auto st = invoke("serialize", [&] {
    return lib_->api->credentials->serialize(lib_->instance, decl, detail::str_from(current),
                                             view ? &view->c : nullptr, out.get());
  });
  if (!st) return std::move(st).error();
  return out.take();
}

Result<model::Credential> Plugin::call_resolve(const model::SourceDecl& source) {
  if (!info_.credentials || !info_.credentials->has_resolve) return not_supported(info_, "credentials.resolve");
  const jcode_source_decl* decl = own_decl(*lib_, info_, source);
  if (!decl) return unknown_source(info_, source);
  CredentialCollector out;
  auto st = invoke("resolve", [&] { return lib_->api->credentials->resolve(lib_->instance, decl, out.get()); });
  if (!st && st.status() == JCODE_E_DECLINE) return std::move(st).error();
  auto r = collected(info_, std::move(st), out, "resolve");
  if (r) r->source_id = source.id;
  return r;
}

Result<model::Credential> Plugin::call_token_response(std::string_view json, const model::Credential* previous) {
  if (!info_.login || !info_.login->has_token_response) return not_supported(info_, "login.token_response");
  std::optional<detail::CredentialView> view;
  if (previous) view.emplace(*previous);
  CredentialCollector out;
  auto st = invoke("token_response", [&] {
    return lib_->api->login->token_response(lib_->instance, detail::str_from(json), view ? &view->c : nullptr,
                                            out.get());
  });
  return collected(info_, std::move(st), out, "token_response");
}

Result<model::Credential> Plugin::call_after_login(const model::Credential& cred) {
  if (!info_.login || !info_.login->has_after_login) return not_supported(info_, "login.after_login");
  detail::CredentialView view(cred);
  CredentialCollector out;
  auto st = invoke("after_login", [&] { return lib_->api->login->after_login(lib_->instance, &view.c, out.get()); });
  return collected(info_, std::move(st), out, "after_login");
}

Result<std::optional<model::Credential>> Plugin::call_login_run(const model::LoginRequest& request) {
  if (!info_.login || !info_.login->has_run) return not_supported(info_, "login.run");
  detail::LoginRequestView view(request);
  CredentialCollector out;
  auto st = invoke("run", [&] { return lib_->api->login->run(lib_->instance, &view.r, out.get()); });
  if (out.error) return Error{out.error->status, "provider '" + info_.id + "' handed over a bad credential in run: " + out.error->message};
  if (!st) return std::move(st).error();
  return std::move(out.cred);
}

Status Plugin::call_send(const ChatRequest& request, const model::Credential* cred, const EventHandler& on_event) {
  if (!info_.transport) return not_supported(info_, "the transport role");
  jcode_chat_request req{};
  req.struct_size = sizeof req;
  req.model = detail::str_from(request.model);
  req.conversation = detail::str_from(request.conversation);
  std::optional<detail::CredentialView> view;
  if (cred) view.emplace(*cred);
  EventEmitter events(on_event);
  auto st = invoke("send", [&] {
    return lib_->api->transport->send(lib_->instance, &req, view ? &view->c : nullptr, events.get());
  });
  // The handler's own error explains a stop better than the plugin's echo of it.
  if (!st && events.error && events.error->status == st.status()) return *events.error;
  return st;
}

}  // namespace jcode::plugins
