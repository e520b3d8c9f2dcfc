// The host side of the plugin ABI in C++ terms: one virtual per jcode_host_api function.
// jcode::plugins builds the C table (host_api.cpp) that copies every string a plugin hands
// in, catches every exception and forwards here, naming the calling plugin. The concrete
// implementation (HTTP, config, prompts, credential store, OAuth engine...) is wired by the
// CLI; a method left at its default answers JCODE_E_NOT_SUPPORTED with a message saying so,
// so a missing service is visible instead of pretending to work.
#pragma once

#include <jcode/error.hpp>
#include <jcode/model/oauth_client.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::plugins {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string url;
  Headers headers;
  std::string body;
  uint32_t flags = 0;       // JCODE_HTTP_F_*
  uint32_t timeout_ms = 0;  // 0 = host default
};

// Where a response goes. A callback returning an error aborts the transfer; http() then
// returns that error. on_body / on_event may be empty (the plugin did not ask for them).
struct HttpResponseHandler {
  std::function<Status(int32_t status, const Headers& headers)> on_status;
  std::function<Status(std::string_view data)> on_body;
  std::function<Status(std::string_view event, std::string_view data)> on_event;
};

enum class PromptKind : int32_t {
  text = JCODE_PROMPT_TEXT,
  secret = JCODE_PROMPT_SECRET,
  choice = JCODE_PROMPT_CHOICE,
  confirm = JCODE_PROMPT_CONFIRM,
};

struct Prompt {
  PromptKind kind = PromptKind::text;
  std::string question;
  std::string default_value;
  std::string choices;  // "a|b|c" for choice
};

struct ProcessSpec {
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;  // may hold secrets
  std::string stdin_data;                                 // may hold secrets
  uint32_t timeout_ms = 0;
  bool terminal = false;  // JCODE_PROCESS_F_TERMINAL (1.3)
};

// Streamed child output; either may be empty. An error return stops the child.
struct ProcessOutput {
  std::function<Status(std::string_view data)> on_stdout;
  std::function<Status(std::string_view data)> on_stderr;
};

struct LoopbackSpec {
  uint32_t port = 0;  // 0 = any free port
  std::string host;   // name used in the redirect URI ("localhost" / "127.0.0.1")
  std::string path;   // "/callback"
};

// A listening loopback redirect endpoint; closed when destroyed.
class Loopback {
 public:
  virtual ~Loopback() = default;
  virtual const std::string& redirect_uri() const = 0;
  // Waits for one request on the path and returns its query string (without '?').
  virtual Result<std::string> wait(uint32_t timeout_ms) = 0;
};

enum class LogLevel : int32_t {
  error = JCODE_LOG_ERROR,
  warn = JCODE_LOG_WARN,
  info = JCODE_LOG_INFO,
  debug = JCODE_LOG_DEBUG,
};

// Every method may be called from any thread and must be thread-safe. `plugin` is the id of
// the calling plugin. Strings passed in are copies owned by the bridge for the duration of
// the call; keep your own copy of what you keep.
struct PluginInfo;

class HostServices {
 public:
  virtual ~HostServices() = default;

  // Messages. Defaults: log is dropped, notify goes to stderr, add_secret is forgotten (the
  // bridge still redacts it from that plugin's own messages).
  virtual void log(std::string_view plugin, LogLevel level, std::string_view message);
  virtual void add_secret(std::string_view plugin, std::string_view secret);
  virtual void notify(std::string_view plugin, std::string_view message);

  // Configuration and environment: JCODE_E_NOT_FOUND when absent.
  virtual Result<std::string> config_get(std::string_view plugin, std::string_view key);
  virtual Result<std::string> env_get(std::string_view plugin, std::string_view name);
  virtual Result<std::string> endpoint_url(std::string_view plugin, std::string_view name);

  // Clock (default: the system clock) and randomness.
  virtual int64_t now_ms(std::string_view plugin);
  virtual Status random_bytes(std::string_view plugin, std::span<std::byte> out);

  virtual Status http(std::string_view plugin, const HttpRequest& request,
                      const HttpResponseHandler& response);

  // The answer of a secret prompt is wiped by the bridge once handed over.
  virtual Result<std::string> prompt(std::string_view plugin, const Prompt& prompt);
  virtual Status open_url(std::string_view plugin, std::string_view url);

  virtual Result<std::unique_ptr<Loopback>> loopback_listen(std::string_view plugin,
                                                            const LoopbackSpec& spec);

  // Returns the exit code.
  virtual Result<int32_t> spawn(std::string_view plugin, const ProcessSpec& spec,
                                const ProcessOutput& output);

  // The plugin's own JCODE_FILE / APP_ENV_FILE sources, by source id.
  virtual Result<std::string> store_read(std::string_view plugin, std::string_view source_id);
  virtual Status store_write(std::string_view plugin, std::string_view source_id,
                             std::string_view content);

  // Pending login state.
  virtual Status state_put(std::string_view plugin, std::string_view key, std::string_view value,
                           int64_t ttl_ms);
  virtual Result<std::string> state_get(std::string_view plugin, std::string_view key);
  virtual Status state_erase(std::string_view plugin, std::string_view key);

  // The OAuth engine; both return the token endpoint's JSON response.
  virtual Result<std::string> oauth_authorize(std::string_view plugin,
                                              const model::OAuthClient& client,
                                              const model::LoginRequest& request);
  virtual Result<std::string> device_authorize(std::string_view plugin,
                                               const model::DeviceClient& client,
                                               const model::LoginRequest& request);

  virtual bool is_cancelled(std::string_view plugin);

  // ABI 1.1: a URL built at run time, through the endpoint rules and the emulator mapping;
  // a file the user's environment names (never one of jcode's own credential files).
  virtual Result<std::string> resolve_url(std::string_view plugin, std::string_view url, std::string_view setting);
  virtual Result<std::string> read_file(std::string_view plugin, std::string_view path, uint64_t max_bytes);

  // Not an ABI call: the registry asks this before a plugin's create(). An error (a setting
  // of the wrong type) keeps the plugin from starting, with that message. Default: nothing
  // to check.
  virtual Status check_config(const PluginInfo& plugin);
};

// The error the defaults return: JCODE_E_NOT_SUPPORTED, naming the service.
Error service_unavailable(std::string_view service);

}  // namespace jcode::plugins
