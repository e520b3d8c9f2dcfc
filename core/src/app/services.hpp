// The concrete host services jcode gives its plugins: each HostServices method forwards to
// the core module that owns the mechanism (jcode::http, jcode::ui, jcode::process,
// jcode::endpoints, jcode::auth …). One instance per command invocation.
#pragma once

#include <jcode/auth/io.hpp>
#include <jcode/model/source.hpp>
#include <jcode/plugins/host_services.hpp>

#include <functional>
#include <mutex>

namespace jcode::app {

class Context;

class ProviderAuth;

class Services final : public plugins::HostServices {
 public:
  explicit Services(Context& ctx);

  void log(std::string_view plugin, plugins::LogLevel level, std::string_view message) override;
  void add_secret(std::string_view plugin, std::string_view secret) override;
  void notify(std::string_view plugin, std::string_view message) override;

  Result<std::string> config_get(std::string_view plugin, std::string_view key) override;
  Result<std::string> env_get(std::string_view plugin, std::string_view name) override;
  Result<std::string> endpoint_url(std::string_view plugin, std::string_view name) override;
  Result<std::string> resolve_url(std::string_view plugin, std::string_view url, std::string_view setting) override;
  Result<std::string> read_file(std::string_view plugin, std::string_view path, uint64_t max_bytes) override;
  Status check_config(const plugins::PluginInfo& plugin) override;

  int64_t now_ms(std::string_view plugin) override;
  Status random_bytes(std::string_view plugin, std::span<std::byte> out) override;

  Status http(std::string_view plugin, const plugins::HttpRequest& request,
              const plugins::HttpResponseHandler& response) override;

  Result<std::string> prompt(std::string_view plugin, const plugins::Prompt& prompt) override;
  Status open_url(std::string_view plugin, std::string_view url) override;

  Result<int32_t> spawn(std::string_view plugin, const plugins::ProcessSpec& spec,
                        const plugins::ProcessOutput& output) override;

  Result<std::unique_ptr<plugins::Loopback>> loopback_listen(std::string_view plugin,
                                                             const plugins::LoopbackSpec& spec) override;

  Result<std::string> store_read(std::string_view plugin, std::string_view source_id) override;
  Status store_write(std::string_view plugin, std::string_view source_id, std::string_view content) override;

  Status state_put(std::string_view plugin, std::string_view key, std::string_view value, int64_t ttl_ms) override;
  Result<std::string> state_get(std::string_view plugin, std::string_view key) override;
  Status state_erase(std::string_view plugin, std::string_view key) override;

  Result<std::string> oauth_authorize(std::string_view plugin, const model::OAuthClient& client,
                                      const model::LoginRequest& request) override;

  bool is_cancelled(std::string_view plugin) override;

  // The HTTP exchange the auth engine uses for token, device and revocation endpoints, with
  // the same [http] settings (CA bundle, timeouts) as plugin HTTP.
  auth::HttpFn auth_http();

  // --no-browser for this invocation.
  void set_no_browser(bool v) { no_browser_ = v; }
  // True once oauth_authorize deferred a login in this invocation (--print-auth-url inside a
  // plugin's custom login): the URL and the resume command were printed, nothing failed.
  bool login_deferred() const { return login_deferred_; }

 private:
  // Runs fn with the plugin's auth glue and its own source `source_id` (JCODE_FILE or
  // APP_ENV_FILE only).
  Result<std::string> with_own_source(std::string_view plugin, std::string_view source_id,
                                      const std::function<Result<std::string>(ProviderAuth&, const model::SourceDecl&)>& fn);

  Context& ctx_;
  bool no_browser_ = false;
  bool login_deferred_ = false;
  std::mutex notify_mu_;
};

}  // namespace jcode::app
