// The per-plugin context behind jcode_host_ctx and the bookkeeping of one call into a plugin:
// which error messages (the plugin's set_error, the host's own failing services) belong to
// the call, so the Error the core sees explains what went wrong.
#pragma once

#include <jcode/error.hpp>
#include <jcode/plugin.h>
#include <jcode/plugins/host_services.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace jcode::plugins::detail {

struct CallErrors {
  std::optional<Error> plugin;  // from set_error
  std::optional<Error> host;    // the last host service that failed during the call
};

}  // namespace jcode::plugins::detail

// Defined here, declared opaque in jcode/plugin.h. One per loaded plugin, owned by the
// Registry; never moves.
struct jcode_host_ctx {
  std::string plugin_id;
  jcode::plugins::HostServices* services = nullptr;

  std::mutex mu;  // guards everything below
  // A stack per thread: calls nest when a host service calls back into the same plugin.
  std::unordered_map<std::thread::id, std::vector<jcode::plugins::detail::CallErrors>> calls;
  std::vector<std::string> secrets;  // from add_secret; redacted from this plugin's messages

  ~jcode_host_ctx();
};

struct jcode_loopback {
  jcode_host_ctx* ctx = nullptr;
  std::unique_ptr<jcode::plugins::Loopback> impl;
};

namespace jcode::plugins::detail {

// The static table of C functions forwarding to ctx->services.
const jcode_host_api& host_api_table();

std::unique_ptr<jcode_host_ctx> make_host_ctx(std::string plugin_id, HostServices& services);

// Brackets one call into a plugin on this thread.
class CallScope {
 public:
  explicit CallScope(jcode_host_ctx* ctx);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  // The Error for a failed call (status != JCODE_OK): the plugin's set_error message if it
  // gave one, else the failing host service's, else a generic text naming the status.
  // `what` names the plugin function ("parse"); `reason` is the plugin's text for a
  // plugin-private code ("" if none).
  Error error(jcode_status status, std::string_view what, std::string_view reason) const;
  // The plugin's set_error message for this call, if any.
  std::optional<Error> plugin_error() const;

 private:
  jcode_host_ctx* ctx_;
};

// Replaces every secret the plugin registered with "[REDACTED]".
std::string redact(jcode_host_ctx* ctx, std::string text);

// Records a host service failure for the current call (if any) and returns its status.
jcode_status record_host_error(jcode_host_ctx* ctx, Error error);

// Wipes a string's bytes (best effort: the optimiser may not remove it).
void wipe(std::string& s) noexcept;

}  // namespace jcode::plugins::detail
